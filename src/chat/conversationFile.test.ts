import { describe, expect, it } from 'vitest';
import {
  ConversationFileError,
  parseConversationFile,
  titleFrom,
  toConversationFile,
  toMarkdown,
} from './conversationFile.ts';
import { DEFAULT_GENERATION } from './sampling.ts';
import type { Conversation } from './types.ts';

const conversation: Conversation = {
  id: 'a',
  title: 'Tokens',
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_100_000,
  model: 'glassbox/tiny-chat',
  systemPrompt: 'Be brief.',
  settings: { ...DEFAULT_GENERATION, greedy: false, seed: 7 },
  turns: [
    { role: 'user', content: 'What is a token?' },
    {
      role: 'assistant',
      content: 'A piece of **text**.',
      tokenIds: [5, 6, 2],
      stopped: false,
      stats: {
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
      },
    },
  ],
};

describe('conversation files', () => {
  it('export OpenAI-style messages with the system prompt first, plus settings and per-reply stats', () => {
    const file = toConversationFile(conversation);
    expect(file.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What is a token?' },
      { role: 'assistant', content: 'A piece of **text**.' },
    ]);
    expect(file.replies[0]?.tokenIds).toEqual([5, 6, 2]);
    expect(file.settings.seed).toBe(7);
  });

  it('import back to the same conversation (a new id, the same content)', () => {
    const imported = parseConversationFile(
      JSON.stringify(toConversationFile(conversation)),
      1_800_000_000_000,
    );
    expect({ ...imported, id: 'a', updatedAt: conversation.updatedAt }).toEqual(conversation);
    expect(imported.id).not.toBe('a');
  });

  it('import recorded token steps and every version of a reply back', () => {
    const step = {
      id: 6,
      text: ' piece',
      prob: 0.4,
      entropyBits: 2.5,
      candidates: [
        { id: 6, text: ' piece', prob: 0.4 },
        { id: 9, text: ' bit', prob: 0.3 },
      ],
    };
    const [question, answer] = conversation.turns;
    if (!question || !answer) throw new Error('the fixture has two turns');
    const branched: Conversation = {
      ...conversation,
      turns: [
        question,
        {
          ...answer,
          steps: [step, step, step],
          version: 1,
          alternatives: [[{ role: 'assistant', content: 'A bit.', tokenIds: [9], stopped: false }, question]],
        },
      ],
    };
    const imported = parseConversationFile(JSON.stringify(toConversationFile(branched)));
    expect(imported.turns).toEqual(branched.turns);
  });

  it('refuses a version of a reply that does not start with a reply', () => {
    const file = toConversationFile(conversation);
    const reply = { ...file.replies[0], alternatives: [{ messages: [{ role: 'user', content: 'x' }] }] };
    expect(() => parseConversationFile(JSON.stringify({ ...file, replies: [reply] }))).toThrow(
      'version 1 of a reply starts with no reply',
    );
  });

  it.each([
    ['not json', 'it is not JSON'],
    ['[1,2]', 'not a JSON object'],
    ['{"format":"other","version":1,"messages":[]}', '"format" is "other"'],
    ['{"format":"glassbox-conversation","version":2,"messages":[]}', 'version 2'],
    ['{"format":"glassbox-conversation","version":1}', 'no "messages" list'],
    [
      '{"format":"glassbox-conversation","version":1,"messages":[{"role":"tool","content":"x"}]}',
      'role "tool"',
    ],
  ])('rejects %s with a message that says why', (text, reason) => {
    expect(() => parseConversationFile(text)).toThrow(ConversationFileError);
    expect(() => parseConversationFile(text)).toThrow(reason);
  });

  it('write Markdown with a heading per speaker', () => {
    expect(toMarkdown(conversation)).toBe(
      '# Tokens\n\nModel: glassbox/tiny-chat\n\n## System\n\nBe brief.\n\n## You\n\nWhat is a token?\n\n## Assistant\n\nA piece of **text**.\n',
    );
  });

  it('title a conversation by its first question, shortened', () => {
    expect(titleFrom(conversation.turns)).toBe('What is a token?');
    expect(titleFrom([{ role: 'user', content: 'x'.repeat(60) }])).toHaveLength(48);
    expect(titleFrom([])).toBe('New chat');
  });
});

describe('edited messages', () => {
  it('export the earlier versions of an edited message and import them back', () => {
    const edited: Conversation = {
      ...conversation,
      turns: [
        {
          role: 'user',
          content: 'What is a word?',
          alternatives: [
            [
              { role: 'user', content: 'What is a token?' },
              { role: 'assistant', content: 'A piece of text.', tokenIds: [5], stopped: false },
            ],
          ],
          version: 1,
        },
        { role: 'assistant', content: 'Letters with a meaning.', tokenIds: [7], stopped: false },
      ],
    };
    const file = toConversationFile(edited);
    expect(file.edits?.[0]).toMatchObject({ turn: 0, version: 1 });
    const imported = parseConversationFile(JSON.stringify(file), 1_800_000_000_000);
    expect(imported.turns).toEqual(edited.turns);
  });

  it('refuse an edited message whose earlier version starts with a reply', () => {
    const file = {
      ...toConversationFile(conversation),
      edits: [{ turn: 0, version: 1, alternatives: [{ messages: [{ role: 'assistant', content: 'x' }] }] }],
    };
    expect(() => parseConversationFile(JSON.stringify(file))).toThrow(
      'version 1 of an edited message starts with no message',
    );
  });
});
