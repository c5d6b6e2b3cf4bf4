/**
 * Writes the report: bench/results/latest.md (the machine, the table and the targets, also printed) and
 * latest.json (the same with the workload and every run's values).
 *
 *   writeResults({ runs: 3, capabilities, initialJs, measurements: collected.measurements });
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BackendCapabilities } from '../src/engine/protocol.ts';
import { chromiumVersion } from './chromium/browser.ts';
import { RESULTS } from './paths.ts';
import { minutesSinceStart, say } from './progress.ts';
import { markdownTable, summarize, type Measurement, type SummaryRow } from './report.ts';
import { targetLines } from './targets.ts';
import { WORKLOAD } from './workloads.ts';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  browser: string;
  capabilities: BackendCapabilities;
}

function machineInfo(capabilities: BackendCapabilities): Machine {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 1e9),
    os: `${platform()} ${release()}`,
    node: process.version,
    browser: chromiumVersion(),
    capabilities,
  };
}

/** Every measured row's medians, then the initial JS size (which has no backend, dtype or baseline). */
export function summaryRows(measurements: readonly Measurement[], initialJs: number): SummaryRow[] {
  return [
    ...measurements.map(summarize),
    summarize({
      metric: 'initial JS (gzip)',
      backend: '—',
      dtype: '—',
      runningAs: null,
      unit: 'KB',
      higherIsBetter: false,
      app: [initialJs / 1000],
      native: null,
    }),
  ];
}

export interface Report {
  date: Date;
  machine: Machine;
  runs: number;
  minutes: number;
  rows: readonly SummaryRow[];
  initialJs: number;
  /** The CPU peer's name and version, where it ran. */
  peer: string | null;
}

/** What the wllama columns are, under the table. */
export const peerNote = (peer: string) =>
  `wllama: ${peer} in the same Chromium, with the same threads, on GGUF files the forge writes from the same weights: f32, q8_0, q4_0 beside fp32, q8, q4 (q4_0: ggml's blocks of 32 with a scale; the app's q4: blocks of 32 with a scale and a zero point). It reads the app's prompts and replies as token ids (each token the app wrote fed back, the next one picked greedily) and is timed as the app is.`;

export function reportMarkdown({ date, machine, runs, minutes, rows, initialJs, peer }: Report): string {
  const { webgpu, runtimeBuild } = machine.capabilities;
  const gpu = webgpu
    ? `${webgpu.vendor} ${webgpu.architecture}${webgpu.isFallback ? ' (software: not measured)' : ''}`
    : 'none';
  return [
    `# Glassbox benchmark`,
    '',
    `${date.toISOString().slice(0, 10)} · ${machine.cpu} (${machine.cores} cores, ${machine.memoryGb} GB) · ${machine.browser} · ONNX Runtime build: ${runtimeBuild} · WebGPU: ${gpu} · median of ${runs} runs after a warm-up · ${minutes.toFixed(1)} minutes`,
    '',
    markdownTable(rows),
    ...(peer === null ? [] : [peerNote(peer), '']),
    '## Targets',
    '',
    ...targetLines(rows, initialJs),
    '',
  ].join('\n');
}

export function writeResults({
  runs,
  capabilities,
  initialJs,
  measurements,
  peer,
}: {
  runs: number;
  capabilities: BackendCapabilities;
  initialJs: number;
  measurements: Measurement[];
  peer: string | null;
}): void {
  const rows = summaryRows(measurements, initialJs);
  const machine = machineInfo(capabilities);
  const minutes = minutesSinceStart();
  const date = new Date();
  const markdown = reportMarkdown({ date, machine, runs, minutes, rows, initialJs, peer });
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'latest.md'), markdown);
  writeFileSync(
    join(RESULTS, 'latest.json'),
    `${JSON.stringify({ date: date.toISOString(), runs, machine, peer, workload: WORKLOAD, rows, raw: measurements }, null, 2)}\n`,
  );
  process.stdout.write(`\n${markdown}`);
  say(`written to bench/results/latest.md and latest.json in ${minutes.toFixed(1)} minutes`);
}
