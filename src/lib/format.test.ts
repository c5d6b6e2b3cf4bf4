import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatMs } from './format.ts';

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
});
