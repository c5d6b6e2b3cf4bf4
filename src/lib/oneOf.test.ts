import { describe, expect, it } from 'vitest';
import { isOneOf, oneOf } from './oneOf.ts';

const DTYPES = ['fp32', 'q8', 'q4'] as const;

describe('isOneOf and oneOf', () => {
  it('accept only a string of the set, whatever else arrives', () => {
    expect(isOneOf('q8', DTYPES)).toBe(true);
    expect(isOneOf('Q8', DTYPES)).toBe(false);
    expect(isOneOf(8, DTYPES)).toBe(false);
    expect(isOneOf(null, DTYPES)).toBe(false);
  });

  it('fall back for a value outside the set', () => {
    expect(oneOf('q4', DTYPES, 'fp32')).toBe('q4');
    expect(oneOf('q9', DTYPES, 'fp32')).toBe('fp32');
    expect(oneOf(undefined, DTYPES, 'fp32')).toBe('fp32');
  });
});
