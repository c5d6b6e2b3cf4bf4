import { describe, expect, it } from 'vitest';
import { markdownTable, meetsTarget, summarize } from './report.ts';

describe('benchmark report', () => {
  it('puts the app next to native with the ratio app/native', () => {
    const decode = summarize({
      metric: 'decode',
      backend: 'wasm ×2',
      dtype: 'fp32',
      runningAs: null,
      unit: 'tok/s',
      higherIsBetter: true,
      app: [90, 95, 100],
      native: [100, 100, 120],
    });
    expect(decode).toMatchObject({ app: 95, native: 100, ratio: 0.95, runs: 3 });
    expect(meetsTarget(decode, 0.95)).toBe(true);

    const ttft = summarize({
      metric: 'ttft turn 10',
      backend: 'wasm ×2',
      dtype: 'q8',
      runningAs: null,
      unit: 'ms',
      higherIsBetter: false,
      app: [130, 120, 125],
      native: [100, 100, 100],
    });
    expect(ttft.ratio).toBe(1.25);
    expect(meetsTarget(ttft, 0.95)).toBe(false);

    const memory = summarize({
      metric: 'peak memory',
      backend: 'wasm ×2',
      dtype: 'fp32',
      runningAs: null,
      unit: 'MB',
      higherIsBetter: false,
      app: [300],
      native: null,
    });
    expect(memory.ratio).toBeNull();
    expect(meetsTarget(memory, 0.95)).toBeNull();

    const rewritten = summarize({
      metric: 'decode',
      backend: 'wasm ×2',
      dtype: 'q4',
      runningAs: 'int8',
      unit: 'tok/s',
      higherIsBetter: true,
      app: [80],
      native: [100],
    });
    expect(markdownTable([decode, memory, rewritten])).toBe(
      '| Metric | Backend | Dtype (downloaded → run as) | App | Native | App/native | wllama | App/wllama | Runs |\n' +
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n' +
        '| decode | wasm ×2 | fp32 | 95.0 tok/s | 100 tok/s | 0.95× | — | — | 3 |\n' +
        '| peak memory | wasm ×2 | fp32 | 300 MB | — | — | — | — | 1 |\n' +
        '| decode | wasm ×2 | q4 → int8 | 80.0 tok/s | 100 tok/s | 0.80× | — | — | 1 |\n',
    );
  });

  it('puts the CPU peer beside the app, at its own type, with the ratio app/peer', () => {
    const q4 = summarize({
      metric: 'decode',
      backend: 'wasm ×2',
      dtype: 'q4',
      runningAs: 'int8',
      unit: 'tok/s',
      higherIsBetter: true,
      app: [20, 21, 22],
      native: [30],
      peer: { dtype: 'q4_0', values: [40, 44, 42] },
    });
    expect(q4.peer).toEqual({ dtype: 'q4_0', value: 42, ratio: 0.5 });
    expect(markdownTable([q4]).split('\n')[2]).toBe(
      '| decode | wasm ×2 | q4 → int8 | 21.0 tok/s | 30.0 tok/s | 0.70× | 42.0 tok/s (q4_0) | 0.50× | 3 |',
    );
  });
});
