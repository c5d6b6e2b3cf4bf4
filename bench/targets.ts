/**
 * The report's targets, each met or missed: in-tab speed against native at the dtypes the app recommends on
 * WASM, loads from the device against native session creation, time to first token late in a
 * conversation, main-thread long tasks and the initial JS size.
 *
 *   targetLines(rows, 180_000) // → ['- In-tab decode (q8) and embeddings (fp32) ≥ 0.95× native …: met.', …]
 */
import type { Dtype } from '../src/core/model.ts';
import { DECODER, ENCODER, recommendedOnWasm } from './models.ts';
import { meetsTarget, type SummaryRow } from './report.ts';
import { WORKLOAD } from './workloads.ts';

/** The app's WASM dtypes for the catalog models the forged ones are shaped after. */
export interface Recommended {
  decoder: Dtype | null;
  encoder: Dtype | null;
}

export function targetLines(
  rows: readonly SummaryRow[],
  initialJs: number,
  recommended: Recommended = { decoder: recommendedOnWasm(DECODER), encoder: recommendedOnWasm(ENCODER) },
): string[] {
  const speed = rows.filter(
    (r) =>
      r.backend.startsWith('wasm') &&
      ((r.metric === 'decode' && r.dtype === recommended.decoder) ||
        (r.metric.startsWith('embeddings') && r.dtype === recommended.encoder)),
  );
  const misses = speed.filter((r) => meetsTarget(r, 0.95) === false);
  const lines = [
    `- In-tab decode (${recommended.decoder}) and embeddings (${recommended.encoder}) ≥ 0.95× native at the dtypes the app recommends on WASM: ${
      misses.length === 0
        ? 'met'
        : `missed by ${misses.map((r) => `${r.metric} ${r.backend} (${r.ratio?.toFixed(2)}×)`).join(', ')}`
    }.`,
  ];
  const loads = rows.filter((r) => r.metric.startsWith('load from storage'));
  const slowLoads = loads.filter((r) => meetsTarget(r, 1 / 1.5) === false);
  if (loads.some((r) => r.ratio !== null))
    lines.push(
      `- Loads from the device ≤ 1.5× native session creation: ${
        slowLoads.length === 0
          ? 'met'
          : `missed by ${slowLoads.map((r) => `${r.metric} ${r.backend} ${r.dtype} (${r.ratio?.toFixed(2)}×)`).join(', ')}`
      }.`,
    );
  for (const last of rows.filter((r) => r.metric === `ttft turn ${WORKLOAD.turns}`)) {
    const first = rows.find(
      (r) => r.metric === 'ttft turn 1' && r.backend === last.backend && r.dtype === last.dtype,
    );
    if (!first) continue;
    const ratio = last.app / first.app;
    lines.push(
      `- TTFT at turn ${WORKLOAD.turns} ≤ 1.2× turn 1 (${last.backend} ${last.dtype}): ${ratio.toFixed(2)}× (${ratio <= 1.2 ? 'met' : 'missed'}).`,
    );
  }
  for (const r of rows.filter((row) => row.metric.startsWith('longest main-thread task'))) {
    lines.push(
      `- No main-thread task over 50 ms while generating with token probabilities on (${r.backend} ${r.dtype}): longest ${r.app.toFixed(0)} ms (${r.app <= 50 ? 'met' : 'missed'}).`,
    );
  }
  lines.push(
    `- Initial JS ≤ 250 KB gzip: ${(initialJs / 1000).toFixed(0)} KB (${initialJs <= 250_000 ? 'met' : 'missed'}).`,
  );
  return lines;
}
