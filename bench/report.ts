/**
 * The benchmark's report: every figure as the median of its runs, next to native onnxruntime-node's
 * on the same model files and threads, with the ratio app/native, and where measured next to the CPU peer's
 * (wllama: llama.cpp in WebAssembly, in the same Chromium, on a GGUF of the same weights), as a markdown
 * table and JSON.
 *
 *   summarize({ metric: 'decode', unit: 'tok/s', higherIsBetter: true, app: [9, 10, 11], native: [10, 10, 12] })
 *   // → { app: 10, native: 10, ratio: 1, … }
 */
import { median } from '../src/lib/median.ts';

export interface Measurement {
  /** What was measured: `decode`, `prefill`, `ttft turn 10`, `embeddings (batch 16)`, … */
  metric: string;
  /** `wasm ×1`, `wasm ×2`, `webgpu` */
  backend: string;
  /** The weights as downloaded. */
  dtype: string;
  /** What they ran as where the app rewrote them for the CPU (`int8` for q4 on WASM), else null. */
  runningAs: string | null;
  unit: string;
  /** Throughputs are better high, times better low; the ratio is app/native either way. */
  higherIsBetter: boolean;
  /** One value per run (warm-up excluded). */
  app: number[];
  /** The native baseline's runs, or null where there is none (browser-only figures). */
  native: number[] | null;
  /** The CPU peer's runs on the same prompts and threads, at its nearest type (`q4_0` beside q4). */
  peer?: PeerFigures;
}

export interface PeerFigures {
  dtype: string;
  values: number[];
}

export interface SummaryRow extends Omit<Measurement, 'app' | 'native' | 'peer'> {
  app: number;
  native: number | null;
  /** app / native (null without a baseline). */
  ratio: number | null;
  /** The CPU peer's median and app / peer, where it was measured. */
  peer: { dtype: string; value: number; ratio: number } | null;
  runs: number;
}

export function summarize(measurement: Measurement): SummaryRow {
  const app = median(measurement.app);
  const native = measurement.native && measurement.native.length > 0 ? median(measurement.native) : null;
  const { metric, backend, dtype, runningAs, unit, higherIsBetter } = measurement;
  const peer =
    measurement.peer && measurement.peer.values.length > 0 ? median(measurement.peer.values) : null;
  return {
    metric,
    backend,
    dtype,
    runningAs,
    unit,
    higherIsBetter,
    app,
    native,
    ratio: native ? app / native : null,
    peer: peer && measurement.peer ? { dtype: measurement.peer.dtype, value: peer, ratio: app / peer } : null,
    runs: measurement.app.length,
  };
}

const figure = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3));

/** Whether a row meets its target ratio (throughput ≥ target × native, time ≤ native / target). */
export function meetsTarget(row: SummaryRow, target: number): boolean | null {
  if (row.ratio === null) return null;
  return row.higherIsBetter ? row.ratio >= target : row.ratio <= 1 / target;
}

export function markdownTable(rows: readonly SummaryRow[]): string {
  const lines = [
    '| Metric | Backend | Dtype (downloaded → run as) | App | Native | App/native | wllama | App/wllama | Runs |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${row.metric} | ${row.backend} | ${row.runningAs ? `${row.dtype} → ${row.runningAs}` : row.dtype} | ${figure(row.app)} ${row.unit} | ${
          row.native === null ? '—' : `${figure(row.native)} ${row.unit}`
        } | ${row.ratio === null ? '—' : `${row.ratio.toFixed(2)}×`} | ${
          row.peer === null
            ? '— | —'
            : `${figure(row.peer.value)} ${row.unit} (${row.peer.dtype}) | ${row.peer.ratio.toFixed(2)}×`
        } | ${row.runs} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
