import { describe, expect, it } from 'vitest';
import { fillNativeRows } from './nativeBaseline.ts';
import type { Measurement } from './report.ts';

const awaiting = (metric: string): Measurement => ({
  metric,
  backend: 'wasm ×2',
  dtype: 'q8',
  runningAs: null,
  unit: 'ms',
  higherIsBetter: false,
  app: [1, 2, 3],
  native: null,
});

describe('native baseline rows', () => {
  it('puts each native figure, the peak memory in MB and the load times in the rows awaiting them', () => {
    const rows = {
      decode: awaiting('decode'),
      'peak memory': awaiting('peak memory (chat)'),
      load: awaiting('load'),
    };
    fillNativeRows(rows, {
      figures: { decode: [40, 41, 42], prefill: [600] },
      peakBytes: 2_000_000_000,
      loadMs: [900, 950, 1000],
    });
    expect(rows.decode.native).toEqual([40, 41, 42]);
    expect(rows['peak memory'].native).toEqual([2000]);
    expect(rows.load.native).toEqual([900, 950, 1000]);
  });

  it('leaves rows without a native figure without one', () => {
    const rows = { 'ttft turn 1': awaiting('ttft turn 1') };
    fillNativeRows(rows, { figures: { decode: [40] }, peakBytes: 1e9, loadMs: [] });
    expect(rows['ttft turn 1'].native).toBeNull();
  });
});
