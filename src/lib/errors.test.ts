import { describe, expect, it } from 'vitest';
import { CodedError, isAbort, messageOf } from './errors.ts';

describe('messageOf', () => {
  it('shows our coded errors as their own sentence', () => {
    expect(messageOf(new CodedError('offline', 'The offline switch is on: turn it off to download.'))).toBe(
      'The offline switch is on: turn it off to download.',
    );
  });

  /** The browser's own failures, and what the user must read for each: never a class name. */
  const CASES: { error: unknown; says: string }[] = [
    { error: new TypeError('Failed to fetch'), says: 'Could not reach the server. Check the connection' },
    {
      error: new DOMException('The quota has been exceeded.', 'QuotaExceededError'),
      says: 'Delete stored models on the Storage page',
    },
    {
      error: new DOMException('The request is not allowed.', 'NotAllowedError'),
      says: 'The browser refused access',
    },
    { error: new DOMException('Aborted', 'AbortError'), says: 'It was cancelled.' },
    {
      error: new Error('stats.decodeTokensPerSecond is undefined'),
      says: 'Something went wrong: stats.decode',
    },
    { error: 'a thrown string', says: 'Something went wrong: a thrown string. Try again' },
    { error: new Error(''), says: 'Something went wrong. Try again' },
  ];

  it.each(CASES)('explains $error', ({ error, says }) => {
    const message = messageOf(error);
    expect(message).toContain(says);
    expect(message).not.toMatch(/\b(TypeError|DOMException|Error):/);
  });
});

describe('isAbort', () => {
  it('knows an abort by its name, whatever its class', () => {
    expect(isAbort(new DOMException('x', 'AbortError'))).toBe(true);
    expect(isAbort(Object.assign(new Error('x'), { name: 'AbortError' }))).toBe(true);
    expect(isAbort(new Error('x'))).toBe(false);
  });
});
