import { describe, expect, it } from 'vitest';
import { summarize, type Measurement } from './report.ts';
import { q4DecodeLines, targetLines } from './targets.ts';

const summary = (metric: string, dtype: string, app: number, native: number | null, higherIsBetter = false) =>
  summarize({
    metric,
    backend: 'wasm ×2',
    dtype,
    runningAs: null,
    unit: 'ms',
    higherIsBetter,
    app: [app],
    native: native === null ? null : [native],
  } satisfies Measurement);

describe('bench targets', () => {
  it('checks speed only at the recommended dtypes, and TTFT, long tasks and initial JS', () => {
    const rows = [
      summary('decode', 'q8', 96, 100, true),
      summary('decode', 'fp32', 10, 100, true),
      summary('embeddings (batch 16)', 'fp32', 95, 100, true),
      summary('load from storage (chat)', 'q8', 140, 100),
      summary('load from storage (embeddings)', 'q8', 150, 100),
      summary('load from network (chat)', 'q8', 900, null),
      summary('ttft turn 1', 'q8', 100, 20),
      summary('ttft turn 10', 'q8', 130, 30),
      summary('longest main-thread task while generating with token probabilities on', 'q8', 12, null),
    ];
    expect(targetLines(rows, 180_000, { decoder: 'q8', encoder: 'fp32' })).toEqual([
      '- In-tab decode (q8) and embeddings (fp32) ≥ 0.95× native at the dtypes the app recommends on WASM: met.',
      '- Loads from the device ≤ 1.5× native session creation: met.',
      '- TTFT at turn 10 ≤ 1.2× turn 1 (wasm ×2 q8): 1.30× (missed).',
      '- No main-thread task over 50 ms while generating with token probabilities on (wasm ×2 q8): longest 12 ms (met).',
      '- Initial JS ≤ 250 KB gzip: 180 KB (met).',
    ]);
  });

  it('names each speed row that misses 0.95× native', () => {
    const rows = [
      summary('decode', 'q8', 50, 100, true),
      summary('embeddings (batch 1)', 'q8', 99, 100, true),
      summary('load from storage (embeddings)', 'q8', 151, 100),
    ];
    expect(targetLines(rows, 300_000, { decoder: 'q8', encoder: 'q8' })).toEqual([
      '- In-tab decode (q8) and embeddings (q8) ≥ 0.95× native at the dtypes the app recommends on WASM: missed by decode wasm ×2 (0.50×).',
      '- Loads from the device ≤ 1.5× native session creation: missed by load from storage (embeddings) wasm ×2 q8 (1.51×).',
      '- Initial JS ≤ 250 KB gzip: 300 KB (missed).',
    ]);
  });

  it("holds 4-bit decode to 0.95× the best dtype in the same setup and to the CPU peer's 4-bit decode", () => {
    const decode = (dtype: string, app: number, peer?: number) =>
      summarize({
        metric: 'decode',
        backend: 'wasm ×2',
        dtype,
        runningAs: dtype.startsWith('q4') ? 'int8' : null,
        unit: 'tok/s',
        higherIsBetter: true,
        app: [app],
        native: null,
        ...(peer === undefined ? {} : { peer: { dtype: 'q4_0', values: [peer] } }),
      });
    expect(q4DecodeLines([decode('q8', 20), decode('q4', 19.5, 18)])).toEqual([
      "- q4 decode ≥ 0.95× the best dtype's decode in the same run and ≥ wllama's 4-bit decode (wasm ×2): 19.5 tok/s, 0.97× q8's 20.0, 1.08× wllama q4_0's 18.0 (met).",
    ]);
    expect(q4DecodeLines([decode('q8', 20), decode('q4', 19.5, 40)])[0]).toMatch(
      /0\.49× wllama q4_0's 40\.0 \(missed\)\.$/,
    );
    expect(q4DecodeLines([decode('q8', 30), decode('q4', 20)])).toEqual([
      "- q4 decode ≥ 0.95× the best dtype's decode in the same run and ≥ wllama's 4-bit decode (wasm ×2): 20.0 tok/s, 0.67× q8's 30.0, wllama not measured (missed).",
    ]);
    expect(q4DecodeLines([decode('q8', 30)])).toEqual([]);
    expect(q4DecodeLines([decode('fp32', 20), decode('q4f16', 21, 18)])).toEqual([
      "- q4f16 decode ≥ 0.95× the best dtype's decode in the same run and ≥ wllama's 4-bit decode (wasm ×2): 21.0 tok/s, 1.00× q4f16's 21.0, 1.17× wllama q4_0's 18.0 (met).",
    ]);
  });
});
