import { describe, expect, it } from 'vitest';
import { CodedError, isAbort, isNoAnswer, messageOf, splitDetail, withDetail } from './errors.ts';

describe('messageOf', () => {
  it('shows our coded errors as their own sentence', () => {
    expect(messageOf(new CodedError('offline', 'The offline switch is on: turn it off to download.'))).toBe(
      'The offline switch is on: turn it off to download.',
    );
  });

  /** The browser's own failures, and what the user must read for each: never a class name. */
  const CASES: { error: unknown; says: string }[] = [
    {
      error: new TypeError('Failed to fetch'),
      says: 'Could not reach the server: the network or the server is down',
    },
    {
      error: new TypeError('NetworkError when attempting to fetch resource.'),
      says: 'Check the connection and the address',
    },
    { error: new TypeError('Load failed'), says: 'Could not reach the server' },
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

  it('keeps the browser’s own words of a failed request as a detail, out of the sentence', () => {
    const { sentence, details } = splitDetail(messageOf(new TypeError('Failed to fetch')));
    expect(sentence).not.toContain('Failed to fetch');
    expect(details).toEqual(['Failed to fetch']);
  });
});

describe('details', () => {
  it('come apart from the sentence, wherever later text continues it', () => {
    const message = `${withDetail('Could not reach h.', 'Failed to fetch (twice)')} The engine restarted.`;
    expect(splitDetail(message)).toEqual({
      sentence: 'Could not reach h. The engine restarted.',
      details: ['Failed to fetch (twice)'],
    });
    expect(splitDetail(withDetail(withDetail('A.', 'one'), 'two')).details).toEqual(['one', 'two']);
  });

  it('read as the sentence and the detail in brackets where shown as plain text', () => {
    expect(withDetail('A.', 'raw').replaceAll('\u2063', '')).toBe('A. (raw)');
    expect(withDetail('A.', '  ')).toBe('A.');
    expect(splitDetail('No details here (none).')).toEqual({
      sentence: 'No details here (none).',
      details: [],
    });
  });
});

describe('isNoAnswer', () => {
  it('knows a request without an answer by the words of Chromium, Firefox and Safari', () => {
    expect(isNoAnswer(new TypeError('Failed to fetch'))).toBe(true);
    expect(isNoAnswer(new TypeError('NetworkError when attempting to fetch resource.'))).toBe(true);
    expect(isNoAnswer(new TypeError('Load failed'))).toBe(true);
    expect(isNoAnswer(new Error('Model load failed: bad graph'))).toBe(false);
  });
});

describe('isAbort', () => {
  it('knows an abort by its name, whatever its class', () => {
    expect(isAbort(new DOMException('x', 'AbortError'))).toBe(true);
    expect(isAbort(Object.assign(new Error('x'), { name: 'AbortError' }))).toBe(true);
    expect(isAbort(new Error('x'))).toBe(false);
  });
});
