import { describe, expect, it } from 'vitest';
import { summarize, type Measurement } from './report.ts';
import { targetLines } from './targets.ts';

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
});
