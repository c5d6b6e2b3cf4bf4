/**
 * The report's targets, each met or missed: in-tab speed against native at the dtypes the app recommends on
 * WASM, 4-bit decode against the other dtypes and the CPU peer's 4-bit decode, loads from the device
 * against native session creation, time to first token late in a conversation, main-thread long tasks and
 * the initial JS size.
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
  lines.push(...q4DecodeLines(rows));
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

/**
 * Per WASM setup and 4-bit dtype (q4, q4f16) with a decode row: its decode ≥ 0.95× the best dtype's decode
 * in the same run (4-bit weights move the fewest bytes, so they should decode no slower) and ≥ the CPU
 * peer's 4-bit decode.
 */
export function q4DecodeLines(rows: readonly SummaryRow[]): string[] {
  return rows
    .filter((r) => r.metric === 'decode' && ['q4', 'q4f16'].includes(r.dtype) && r.backend.startsWith('wasm'))
    .map((q4) => {
      const best = rows
        .filter((r) => r.metric === 'decode' && r.backend === q4.backend)
        .reduce((a, b) => (b.app > a.app ? b : a));
      const againstBest = q4.app / best.app;
      const peer = q4.peer;
      const met = againstBest >= 0.95 && (peer === null || peer.ratio >= 1);
      return `- ${q4.dtype} decode ≥ 0.95× the best dtype's decode in the same run and ≥ wllama's 4-bit decode (${q4.backend}): ${q4.app.toFixed(1)} tok/s, ${againstBest.toFixed(2)}× ${best.dtype}'s ${best.app.toFixed(1)}, ${
        peer === null
          ? 'wllama not measured'
          : `${peer.ratio.toFixed(2)}× wllama ${peer.dtype}'s ${peer.value.toFixed(1)}`
      } (${met ? 'met' : 'missed'}).`;
    });
}
