import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATION } from './sampling.ts';
import { conversationOf, requestMessages, selectGenerating } from './selectors.ts';
import type { ChatTurn } from './types.ts';

const turns: ChatTurn[] = [
  { role: 'user', content: 'Hello there, model' },
  {
    role: 'assistant',
    content: 'Hi!',
    tokenIds: [12, 7, 2],
    steps: [{ id: 12, text: 'Hi', prob: 0.5, entropyBits: 1, candidates: [] }],
  },
];

describe('chat selectors', () => {
  it('call the chat generating while a reply streams, even before its first token', () => {
    expect(selectGenerating({ streaming: '' })).toBe(true);
    expect(selectGenerating({ streaming: null })).toBe(false);
  });

  it('send the system prompt first and each reply with its written ids, without display-only fields', () => {
    expect(requestMessages('  Be brief. ', turns)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello there, model' },
      { role: 'assistant', content: 'Hi!', tokenIds: [12, 7, 2] },
    ]);
    expect(requestMessages('   ', turns.slice(0, 1))).toEqual([
      { role: 'user', content: 'Hello there, model' },
    ]);
  });

  it('make the open conversation, titled after its first message until it is renamed', () => {
    const open = {
      conversationId: 'c1',
      title: '',
      createdAt: 1,
      model: 'glassbox/tiny-chat',
      systemPrompt: '',
      settings: DEFAULT_GENERATION,
      turns,
    };
    const { conversationId, ...saved } = open;
    expect(conversationOf(open, 5)).toEqual({
      ...saved,
      id: conversationId,
      title: 'Hello there, model',
      updatedAt: 5,
    });
    expect(conversationOf({ ...open, title: 'Greetings' }, 5).title).toBe('Greetings');
  });
});
