import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../protocol.ts';
import { fitToContext } from './contextPolicy.ts';

// One token per character keeps the arithmetic visible.
const count = (messages: ChatMessage[]) => messages.reduce((sum, message) => sum + message.content.length, 0);
const conversation: ChatMessage[] = [
  { role: 'system', content: 'SSSS' },
  { role: 'user', content: 'u1u1u1' },
  { role: 'assistant', content: 'a1a1a1' },
  { role: 'user', content: 'u2u2u2' },
  { role: 'assistant', content: 'a2a2a2' },
  { role: 'user', content: 'u3' },
];

describe('fitToContext', () => {
  it('sends everything when it fits with room for the reply', () => {
    expect(fitToContext(conversation, count, { contextLength: 40, reserve: 10 })).toEqual({
      messages: conversation,
      dropped: 0,
      tokens: 30,
      overflows: false,
    });
  });

  it('drops the oldest turns first and keeps the system prompt and the newest question', () => {
    const fitted = fitToContext(conversation, count, { contextLength: 30, reserve: 10 });
    expect(fitted.dropped).toBe(2);
    expect(fitted.messages.map((message) => message.content)).toEqual(['SSSS', 'u2u2u2', 'a2a2a2', 'u3']);
    expect(fitted.tokens).toBe(18);
  });

  it('counts the messages it returns last, so the caller can keep their tokens', () => {
    const counted: ChatMessage[][] = [];
    const fitted = fitToContext(conversation, (messages) => (counted.push(messages), count(messages)), {
      contextLength: 30,
      reserve: 10,
    });
    expect(counted.at(-1)).toEqual(fitted.messages);
  });

  it('says so when not even the system prompt and the newest turn fit', () => {
    const fitted = fitToContext(conversation, count, { contextLength: 8, reserve: 4 });
    expect(fitted.messages.map((message) => message.content)).toEqual(['SSSS', 'u3']);
    expect(fitted.overflows).toBe(true);
  });
});
