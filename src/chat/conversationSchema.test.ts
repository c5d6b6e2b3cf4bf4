import { describe, expect, it } from 'vitest';
import { parseConversationFile } from './conversationFile.ts';
import { checkedSettings, conversationRecord, readConversationRecord } from './conversationSchema.ts';
import { DEFAULT_GENERATION } from './sampling.ts';

const stats = {
  promptTokens: 20,
  reusedPromptTokens: 0,
  droppedMessages: 0,
  generatedTokens: 3,
  timeToFirstTokenMs: 12,
  prefillTokensPerSecond: 1000,
  totalMs: 30,
  decodeTokensPerSecond: 100,
  backend: 'wasm',
  dtype: 'fp32',
};

const record = (fields: Record<string, unknown> = {}) => ({
  id: 'c1',
  title: 'Tokens',
  createdAt: 1,
  updatedAt: 2,
  model: 'glassbox/tiny-chat',
  systemPrompt: '',
  settings: DEFAULT_GENERATION,
  turns: [
    { role: 'user', content: 'hi' },
    { role: 'assistant', content: 'hello', tokenIds: [4, 5], stats, stopped: false },
  ],
  ...fields,
});

describe('conversation files with damaged decorations', () => {
  it('import the text and drop stats that do not check (empty stats once crashed the panel)', () => {
    const conversation = parseConversationFile(
      '{"format":"glassbox-conversation","version":1,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"x"}],"replies":[{"stats":{}}]}',
    );
    expect(conversation.turns).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'x', stopped: false },
    ]);
  });

  it.each([
    ['an absurd maximum', { maxNewTokens: 1e9 }, { maxNewTokens: 2048 }],
    ['a negative temperature', { temperature: -3 }, { temperature: 0.05 }],
    ['text for a number', { topK: '50' }, { topK: DEFAULT_GENERATION.topK }],
    ['a non-boolean greedy', { greedy: 'yes' }, { greedy: DEFAULT_GENERATION.greedy }],
    ['an unknown setting', { evil: 1 }, {}],
  ])('clamp imported settings: %s', (_, saved, expected) => {
    expect(checkedSettings(saved)).toEqual({ ...DEFAULT_GENERATION, ...expected });
  });

  it('keep token steps only when there is one per token id', () => {
    const step = {
      id: 4,
      text: 'a',
      prob: 0.5,
      entropyBits: 1,
      candidates: [{ id: 4, text: 'a', prob: 0.5 }],
    };
    const read = readConversationRecord(
      record({
        turns: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a', tokenIds: [4, 5], steps: [step] },
        ],
      }),
      'c1',
    );
    expect(read.ok && read.conversation.turns[1]?.steps).toBeUndefined();
  });
});

describe('stored conversation records', () => {
  const step = { id: 4, text: 'a', prob: 0.5, entropyBits: 1, candidates: [{ id: 4, text: 'a', prob: 0.5 }] };

  it('read back what was written, token steps of every version included', () => {
    const conversation = {
      id: 'c1',
      title: 'Tokens',
      createdAt: 1,
      updatedAt: 2,
      model: 'glassbox/tiny-chat',
      systemPrompt: 'Be brief.',
      settings: DEFAULT_GENERATION,
      turns: [
        { role: 'user' as const, content: 'q' },
        {
          role: 'assistant' as const,
          content: 'a',
          tokenIds: [4],
          steps: [step],
          stats: { ...stats, backend: 'wasm' as const, dtype: 'fp32' as const },
          stopped: false,
          alternatives: [
            [
              {
                role: 'assistant' as const,
                content: 'b',
                tokenIds: [5],
                steps: [{ ...step, id: 5, text: 'b' }],
                stopped: true,
              },
            ],
          ],
          version: 1,
        },
      ],
    };
    const stored = structuredClone(conversationRecord(conversation));
    expect(stored['schema']).toBe(3);
    expect(readConversationRecord(stored, 'c1')).toEqual({ ok: true, conversation });
  });

  it('read the token steps of a version 2 record, saved as a list', () => {
    const read = readConversationRecord(
      record({
        schema: 2,
        turns: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a', tokenIds: [4], steps: [step] },
        ],
      }),
      'c1',
    );
    expect(read.ok && read.conversation.turns[1]?.steps).toEqual([step]);
  });

  it('read a record of the first version (no schema field) as it was', () => {
    const read = readConversationRecord(record(), 'c1');
    expect(read.ok).toBe(true);
    if (read.ok) expect(read.conversation.turns[1]?.stats).toEqual(stats);
  });

  it('clamp a version index beyond the versions there are', () => {
    const read = readConversationRecord(
      record({
        schema: 2,
        turns: [
          { role: 'user', content: 'q' },
          {
            role: 'assistant',
            content: 'b',
            alternatives: [[{ role: 'assistant', content: 'a' }]],
            version: 9,
          },
        ],
      }),
      'c1',
    );
    expect(read.ok && read.conversation.turns[1]?.version).toBe(1);
  });

  it.each([
    ['not an object', 'hello', 'it is not an object'],
    ['written by a newer version', record({ schema: 4 }), 'it was saved as version 4, which this version'],
    ['without turns', record({ turns: 'hi' }), 'the conversation has no list of turns'],
    [
      'with a turn without text',
      record({ turns: [{ role: 'user' }] }),
      'turn 1 of the conversation is not a message',
    ],
    [
      'with a system turn',
      record({ turns: [{ role: 'system', content: 'x' }] }),
      'turn 1 of the conversation',
    ],
    ['under another key', record(), 'its id does not match its key', 'other'],
    [
      'with a version that starts with a question',
      record({
        turns: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'b', alternatives: [[{ role: 'user', content: 'a' }]] },
        ],
      }),
      'version 1 of reply 2 starts with no reply',
    ],
  ])('list a record %s as broken, with why', (_, stored, problem, key = 'c1') => {
    const read = readConversationRecord(stored, key);
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.broken.problem).toContain(problem);
      expect(read.broken.record).toBe(stored);
      expect(read.broken.id).toBe(key);
    }
  });
});
