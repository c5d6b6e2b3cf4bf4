import { describe, expect, it } from 'vitest';
import { formatTick, niceTicks } from './ticks.ts';

describe('niceTicks', () => {
  it('picks round steps of 1, 2 or 5 × 10ⁿ inside the range', () => {
    expect(niceTicks(-0.37, 0.52, 5)).toEqual([-0.2, 0, 0.2, 0.4]);
    expect(niceTicks(0, 100, 4)).toEqual([0, 50, 100]);
    expect(niceTicks(-1, 1, 4)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceTicks(3, 17, 3)).toEqual([5, 10, 15]);
  });
  it('rounds away floating-point noise and negative zero', () => {
    expect(niceTicks(0.1, 0.7, 6)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(Object.is(niceTicks(-0.5, 0.5, 2)[1], 0)).toBe(true);
    expect(niceTicks(-2e-7, 3e-7, 5)).toEqual([-2e-7, -1e-7, 0, 1e-7, 2e-7, 3e-7]);
  });
  it('takes a smaller step when a round one leaves fewer than two ticks', () => {
    expect(niceTicks(-0.4567, 0.4586, 2)).toEqual([-0.4, -0.2, 0, 0.2, 0.4]); // not [0]
    expect(niceTicks(0.05, 0.95, 1)).toEqual([0.2, 0.4, 0.6, 0.8]); // not [0.5]
    expect(niceTicks(0.11, 0.19, 1)).toEqual([0.12, 0.14, 0.16, 0.18]); // not [0.15]
    expect(niceTicks(0.5, 1.5, 1, { integers: true })).toEqual([1]); // no integer step is smaller
  });
  it('keeps integer steps for indices and counts', () => {
    expect(niceTicks(0, 6, 10, { integers: true })).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(niceTicks(0, 3, 8, { integers: true })).toEqual([0, 1, 2, 3]);
  });
  it('gives one tick for an empty span and none for a broken range', () => {
    expect(niceTicks(4, 4, 5)).toEqual([4]);
    expect(niceTicks(5, 4, 5)).toEqual([]);
    expect(niceTicks(Number.NaN, 4, 5)).toEqual([]);
    expect(niceTicks(0, Infinity, 5)).toEqual([]);
  });
});

describe('formatTick', () => {
  it('writes short labels without trailing zeros', () => {
    expect(formatTick(1)).toBe('1');
    expect(formatTick(-1)).toBe('-1');
    expect(formatTick(-0)).toBe('0');
    expect(formatTick(0.25)).toBe('0.25');
    expect(formatTick(0.123456)).toBe('0.123');
    expect(formatTick(1e-7)).toBe('1e-7');
  });
});
