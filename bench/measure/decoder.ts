/**
 * Chat in the bench page: decode and prefill speed, time to first token at the reported turns of a scripted
 * conversation and the renderers' peak memory; on WASM, the native job that replays the same token ids.
 *
 *   await measureDecoder({ page, setup, runs, corpus, collected }, spec);
 */
import type { DecoderRuns, InsideRuns } from '../../src/app/benchmarkPage.ts';
import type { ModelSpec } from '../../src/core/model.ts';
import { callBenchPage } from '../chromium/browser.ts';
import { runWatchingMemory } from '../chromium/processes.ts';
import { decoderShape, modelFile } from '../models.ts';
import type { DecoderJob } from '../native.ts';
import { perRun, say } from '../progress.ts';
import type { Measurement } from '../report.ts';
import { configurationOf } from '../setups.ts';
import type { Setup } from '../setups.ts';
import { decoderWorkload, REPORTED_TURNS, WORKLOAD } from '../workloads.ts';
import { peakMemoryRow, row, type Measure, type NativeRows } from './collected.ts';

const turnName = (turn: number) => `ttft turn ${turn}`;

export const measureDecoder: Measure = async ({ page, setup, runs, corpus, collected }, spec) => {
  const workload = decoderWorkload(configurationOf(setup, spec), runs, corpus);
  const { result, peakBytes } = await runWatchingMemory(() => callBenchPage(page, 'decoder', workload));
  const { dtype } = spec;
  const runningAs = result.running?.dtype ?? null;
  const speed = (metric: string, measured: { tokensPerSecond: number }[]) =>
    row(
      setup,
      dtype,
      metric,
      'tok/s',
      true,
      measured.map((r) => r.tokensPerSecond),
      runningAs,
    );
  const decode = speed('decode', result.decode);
  const prefill = speed('prefill', result.prefill);
  const turns = Object.fromEntries(
    REPORTED_TURNS.map((turn) => {
      const ttfts = result.conversations.map((c) => c[turn - 1]?.ttftMs ?? NaN);
      return [turnName(turn), row(setup, dtype, turnName(turn), 'ms', false, ttfts, runningAs)];
    }),
  );
  collected.measurements.push(decode, prefill, ...Object.values(turns));
  const memory = peakMemoryRow(setup, spec, peakBytes, runningAs);
  if (memory) collected.measurements.push(memory);
  say(
    `${setup.label} ${spec.id} ${runningAs ? `${dtype} → ${runningAs}` : dtype}: ${progressLine(result, decode.app, prefill.app, Object.values(turns))}`,
  );
  // Look inside is timed where every figure is (the full setups), in an engine of its own.
  if (setup.full)
    collected.measurements.push(
      ...insideRows(setup, dtype, await callBenchPage(page, 'inside', workload), runningAs),
    );
  if (setup.backend !== 'wasm') return;
  const rows: NativeRows = { decode, prefill, ...turns };
  if (memory) rows['peak memory'] = memory;
  collected.nativeJobs.push({ setup, job: nativeJob(spec, setup.threads, runs, result), rows });
};

/**
 * Look inside: one look against a prefill of the same tokens, its sessions' build, and decode while they
 * are held against decode before them in the same engine.
 */
function insideRows(
  setup: Setup,
  dtype: string,
  result: InsideRuns,
  runningAs: string | null,
): Measurement[] {
  const tokens = Math.round(result.inside.reduce((sum, run) => sum + run.tokens, 0) / result.inside.length);
  const built = result.inside.flatMap((run) => run.buildMs ?? []);
  const rows = [
    row(
      setup,
      dtype,
      `look inside a reply (${tokens} tokens), relative to a prefill of the same tokens`,
      '×',
      false,
      result.inside.map((run) => run.lookMs / run.prefillMs),
      runningAs,
    ),
    row(
      setup,
      dtype,
      "decode with Look inside's sessions held (view closed), relative to before them",
      '×',
      true,
      result.decodeAfter.map((after, run) => after / (result.decodeBefore[run] ?? NaN)),
      runningAs,
    ),
  ];
  if (built.length > 0)
    rows.push(
      row(setup, dtype, 'look inside: building its sessions, once per model', 'ms', false, built, runningAs),
    );
  say(
    `${setup.label} look inside ${tokens} tokens: ${perRun(
      result.inside.map((run) => run.lookMs),
      0,
    )} ms against a prefill of ${perRun(
      result.inside.map((run) => run.prefillMs),
      0,
    )} ms; decode ${perRun(result.decodeBefore, 1)} tok/s before, ${perRun(result.decodeAfter, 1)} with its sessions held`,
  );
  return rows;
}

function progressLine(
  result: DecoderRuns,
  decode: number[],
  prefill: number[],
  turns: { app: number[] }[],
): string {
  const meanPrompt = (list: { prompt: number[] }[]) =>
    Math.round(list.reduce((sum, r) => sum + r.prompt.length, 0) / list.length);
  const meanTokens = Math.round(
    result.decode.reduce((sum, r) => sum + r.tokens.length, 0) / result.decode.length,
  );
  const computed = result.conversations.map((c) => {
    const last = c.at(-1);
    return last ? `${last.prompt.length - last.reused} of ${last.prompt.length}` : '?';
  });
  return (
    `decode ${perRun(decode, 1, ', ')} tok/s (${meanPrompt(result.decode)}-token prompt, ${meanTokens} new), ` +
    `prefill ${perRun(prefill, 0, ', ')} tok/s (${meanPrompt(result.prefill)} tokens), ` +
    `ttft ${turns.map((t) => perRun(t.app, 0)).join(' → ')} ms ` +
    `(turn ${WORKLOAD.turns} computes ${computed.join(', ')} tokens)`
  );
}

/** The native replay of the very prompts and tokens the app read and wrote. */
function nativeJob(spec: ModelSpec, threads: number, runs: number, result: DecoderRuns): DecoderJob {
  return {
    kind: 'decoder',
    model: modelFile(spec),
    shape: decoderShape(),
    threads,
    runs,
    decode: result.decode.map(({ prompt, tokens }) => ({ prompt, tokens })),
    prefill: result.prefill.map(({ prompt, reused }) => ({ prompt, reused })),
    turns: Object.fromEntries(
      REPORTED_TURNS.map((turn) => [
        turnName(turn),
        result.conversations.map((c) => ({
          prompt: c[turn - 1]?.prompt ?? [],
          reused: c[turn - 1]?.reused ?? 0,
        })),
      ]),
    ),
  };
}
