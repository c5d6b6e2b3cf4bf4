/**
 * The native baseline: one model file in onnxruntime-node with a fixed thread count, fed the very token ids
 * the app read and wrote in the browser. It runs in a process of its own (one per model file and thread
 * count), so its peak memory is its own and nothing of the browser's run competes with it.
 *
 *   echo '{"kind":"encoder","model":"…/model.onnx","threads":2,…}' | tsx bench/native.ts
 *   // → one JSON line: NativeResult
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import type { ComputedPrompt } from '../src/app/benchmarkPage.ts';
import { normalizeRows, pool } from '../src/engine/pooling.ts';
import {
  argmax,
  cacheTypeOf,
  createSession,
  emptyCache,
  int64Tensor,
  logitsAt,
  runDecoderStep,
  type DecoderShape,
  type DecoderStepOutput,
} from '../tools/forge/testing/ort.ts';

export interface DecoderJob {
  kind: 'decoder';
  model: string;
  shape: DecoderShape;
  threads: number;
  /** Timed loads, after one warm-up. */
  runs: number;
  /** Per run: the prompt and the tokens the app generated from it. */
  decode: { prompt: number[]; tokens: number[] }[];
  prefill: ComputedPrompt[];
  /** Per reported turn of the scripted conversation, per run: its prompt. */
  turns: Record<string, ComputedPrompt[]>;
}

export interface EncoderJob {
  kind: 'encoder';
  model: string;
  threads: number;
  /** Token ids per sentence, as the app's tokenizer made them. */
  sentences: number[][];
  batchSizes: number[];
  /** Timed runs per batch size and loads (after one warm-up). */
  runs: number;
}

export interface NativeResult {
  /** Per figure, one value per timed run (warm-up excluded). */
  figures: Record<string, number[]>;
  /** Peak resident memory of this process. */
  peakBytes: number;
  /** Reading the file and creating the session, per timed run. */
  loadMs: number[];
}

const range = (start: number, length: number) => Array.from({ length }, (_, i) => start + i);

/** Runs `ids` after `cache` (which holds `past` positions); returns the step and the next greedy token. */
async function extend(
  session: ort.InferenceSession,
  shape: DecoderShape,
  ids: readonly number[],
  past: number,
  cache: DecoderStepOutput['cache'],
) {
  const step = await runDecoderStep(session, shape, {
    inputIds: [ids],
    attentionMask: [range(0, past + ids.length).map(() => 1)],
    positionIds: [range(past, ids.length)],
    cache,
  });
  return { step, next: argmax(logitsAt(step, 0, ids.length - 1)) };
}

/** Milliseconds to compute a prompt's new part after its reused part is in the cache (untimed). */
async function timePrefill(session: ort.InferenceSession, shape: DecoderShape, run: ComputedPrompt) {
  let cache = emptyCache(shape, 1, cacheTypeOf(session));
  const reused = run.prompt.slice(0, run.reused);
  if (reused.length > 0) cache = (await extend(session, shape, reused, 0, cache)).step.cache;
  const started = performance.now();
  await extend(session, shape, run.prompt.slice(run.reused), run.reused, cache);
  return performance.now() - started;
}

/** Tokens per second over the app's generated tokens, each fed back as the app's decoder did. */
async function timeDecode(
  session: ort.InferenceSession,
  shape: DecoderShape,
  prompt: number[],
  tokens: number[],
) {
  let { step } = await extend(session, shape, prompt, 0, emptyCache(shape, 1, cacheTypeOf(session)));
  const started = performance.now();
  for (let i = 0; i < tokens.length - 1; i++) {
    step = (await extend(session, shape, [tokens[i] ?? 0], prompt.length + i, step.cache)).step;
  }
  return ((tokens.length - 1) * 1000) / (performance.now() - started);
}

/** Times `measure` on every input, after an untimed warm-up on the first. */
async function timedRuns<T>(inputs: readonly T[], measure: (input: T) => Promise<number>): Promise<number[]> {
  if (inputs[0] !== undefined) await measure(inputs[0]);
  const values: number[] = [];
  for (const input of inputs) values.push(await measure(input));
  return values;
}

async function runDecoder(job: DecoderJob, session: ort.InferenceSession): Promise<Record<string, number[]>> {
  const figures: Record<string, number[]> = {
    decode: await timedRuns(job.decode, (run) => timeDecode(session, job.shape, run.prompt, run.tokens)),
    prefill: await timedRuns(
      job.prefill,
      async (run) => ((run.prompt.length - run.reused) * 1000) / (await timePrefill(session, job.shape, run)),
    ),
  };
  for (const [name, runs] of Object.entries(job.turns))
    figures[name] = await timedRuns(runs, (run) => timePrefill(session, job.shape, run));
  return figures;
}

/** Pads a batch to its longest sentence, as the app's tokenizer does (pad id 0, right side). */
function padded(batch: number[][]) {
  const width = Math.max(...batch.map((ids) => ids.length));
  const rows = batch.map((ids) => [...ids, ...new Array<number>(width - ids.length).fill(0)]);
  const mask = batch.map((ids) => range(0, width).map((i) => (i < ids.length ? 1 : 0)));
  return { rows, mask, width };
}

async function embedAll(session: ort.InferenceSession, sentences: number[][], batchSize: number) {
  for (let start = 0; start < sentences.length; start += batchSize) {
    const batch = sentences.slice(start, start + batchSize);
    const { rows, mask, width } = padded(batch);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: int64Tensor(rows),
      attention_mask: int64Tensor(mask),
    };
    if (session.inputNames.includes('token_type_ids'))
      feeds['token_type_ids'] = int64Tensor(rows.map((row) => row.map(() => 0)));
    const hidden = (await session.run(feeds))['last_hidden_state'];
    if (!hidden) throw new Error('The encoder returned no last_hidden_state.');
    const dimensions = hidden.dims.at(-1) ?? 0;
    // The same pooling and normalization as the app's worker.
    normalizeRows(
      pool(hidden.data as Float32Array, mask.flat(), batch.length, width, dimensions, 'mean'),
      dimensions,
    );
  }
}

async function runEncoder(job: EncoderJob, session: ort.InferenceSession): Promise<Record<string, number[]>> {
  await embedAll(session, job.sentences.slice(0, 32), 16); // the warm-up, as in the app
  const figures: Record<string, number[]> = {};
  for (const batchSize of job.batchSizes) {
    const rates: number[] = [];
    for (let run = 0; run < job.runs; run++) {
      const started = performance.now();
      await embedAll(session, job.sentences, batchSize);
      rates.push((job.sentences.length * 1000) / (performance.now() - started));
    }
    figures[`embeddings (batch ${batchSize})`] = rates;
  }
  return figures;
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(0, 'utf8')) as DecoderJob | EncoderJob;
  const loadMs: number[] = [];
  let session: ort.InferenceSession | null = null;
  for (let run = 0; run <= job.runs; run++) {
    await session?.release();
    const started = performance.now();
    session = await createSession(new Uint8Array(readFileSync(job.model)), {
      intraOpNumThreads: job.threads,
    });
    loadMs.push(performance.now() - started);
  }
  if (!session) throw new Error('no session');
  const figures = job.kind === 'decoder' ? await runDecoder(job, session) : await runEncoder(job, session);
  await session.release();
  const result: NativeResult = {
    figures,
    peakBytes: process.resourceUsage().maxRSS * 1024,
    loadMs: loadMs.slice(1),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
