import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatMs, formatRate, plural } from './format.ts';

describe('formatters', () => {
  it('formats bytes in decimal units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.54 KB');
    expect(formatBytes(270_000_000)).toBe('270.0 MB');
  });
  it('formats parameter counts', () => {
    expect(formatCount(999)).toBe('999');
    expect(formatCount(134_515_008)).toBe('134.5M');
    expect(formatCount(1_240_000_000)).toBe('1.24B');
  });
  it('formats durations', () => {
    expect(formatMs(42.4)).toBe('42 ms');
    expect(formatMs(1234)).toBe('1.23 s');
  });

  it('says one token, many tokens', () => {
    expect(plural(1, 'token')).toBe('1 token');
    expect(plural(0, 'token')).toBe('0 tokens');
    expect(plural(1200, 'request')).toBe('1,200 requests');
    expect(plural(2, 'entry', 'entries')).toBe('2 entries');
  });

  it('gives a rate only where one was measured', () => {
    expect(formatRate(38.24)).toBe('38.2 tok/s');
    expect(formatRate(0)).toBe('—');
    expect(formatRate(Number.NaN)).toBe('—');
    expect(formatRate(Number.POSITIVE_INFINITY)).toBe('—');
  });
});
