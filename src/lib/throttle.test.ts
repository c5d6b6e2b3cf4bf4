import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttled } from './throttle.ts';

describe('throttled', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends at most once per interval, and the last value held back when the interval ends', () => {
    const sent: number[] = [];
    const report = throttled((value: number) => sent.push(value), 100);
    report(1);
    report(2);
    report(3);
    expect(sent).toEqual([1]);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([1, 3]);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([1, 3]);
  });

  it('sends a forced value at once and drops the one held back', () => {
    const sent: number[] = [];
    const report = throttled((value: number) => sent.push(value), 100);
    report(1);
    report(2);
    report(3, true);
    vi.advanceTimersByTime(200);
    expect(sent).toEqual([1, 3]);
  });
});
