/**
 * `npm run bench`: Glassbox in headless Chromium against native onnxruntime-node, in one run.
 *
 * Forges the benchmark models unless present, builds the app and serves it with COOP/COEP, serves the
 * models from the mirror (the network), and drives the app's own engine from `/?bench`
 * (src/app/benchmarkPage.ts) per backend, thread count and dtype. Then replays the very token ids the app
 * read and wrote in onnxruntime-node (bench/native.ts) with the same files and threads, and writes the
 * report: bench/results/latest.md and latest.json.
 *
 *   npm run bench                     the whole benchmark (about 14 minutes on 2 cores)
 *   npm run bench -- --runs 5         more timed runs per figure (3 by default, after one warm-up)
 *   npm run bench -- --dtypes fp32 --threads 2     a partial run: only these dtypes, only WASM ×2
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { preview } from 'vite';
import type { BenchmarkPage, DecoderRuns, DecoderWorkload, EncoderRuns } from '../src/app/benchmarkPage.ts';
import { DTYPES, type Backend, type Dtype, type ModelSpec } from '../src/core/model.ts';
import { weightFile } from '../src/core/weightFiles.ts';
import type { BackendCapabilities } from '../src/engine/protocol.ts';
import { appDtypeFor, findModel } from '../src/hub/catalog.ts';
import { CHROMIUM_PATH, QUIET_CHROMIUM_ARGS } from '../e2e/chromium.ts';
import { loadCorpus } from '../tools/forge/tokenizers/configs.ts';
import { startMirrorProcess } from '../tools/mirror/testing/process.ts';
import type { DecoderJob, EncoderJob, NativeResult } from './native.ts';
import { markdownTable, meetsTarget, summarize, type Measurement, type SummaryRow } from './report.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const MODELS = join(ROOT, 'bench', 'models');
const RESULTS = join(ROOT, 'bench', 'results');
/** Each forged model has the shape of a catalog model, whose WASM recommendation the targets apply to. */
const DECODER = {
  id: 'glassbox/smollm2-135m-shaped',
  shapedAfter: 'HuggingFaceTB/SmolLM2-135M-Instruct',
  dtypes: ['fp32', 'q8', 'q4'] as Dtype[],
};
const ENCODER = {
  id: 'glassbox/minilm-l6-shaped',
  shapedAfter: 'Xenova/all-MiniLM-L6-v2',
  dtypes: ['fp32', 'q8'] as Dtype[],
};
const WORKLOAD = {
  decodePromptTokens: 32,
  decodeTokens: 128,
  prefillPromptTokens: 512,
  turns: 10,
  replyTokens: 2,
  sentences: 256,
  sentenceWords: 42,
  batchSizes: [1, 16, 32],
};
const REPORTED_TURNS = [1, WORKLOAD.turns];
// Chromium as the e2e tests run it, with WebGPU on where a real adapter exists.
const CHROMIUM_ARGS = [...QUIET_CHROMIUM_ARGS, '--enable-unsafe-webgpu'];

const startedAt = Date.now();
const say = (line: string) =>
  process.stdout.write(`bench [${((Date.now() - startedAt) / 60_000).toFixed(1)} min]: ${line}\n`);

interface Options {
  runs: number;
  /** Only these dtypes (a partial run), else all. */
  dtypes: Dtype[] | null;
  /** Only WASM with this many threads (a partial run), else 1 and all. */
  threads: number | null;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? (argv[at + 1] ?? '') : null;
  };
  const runs = Number(value('--runs') ?? 3);
  if (!Number.isInteger(runs) || runs < 3) throw new Error('--runs needs a whole number of at least 3.');
  const dtypes = value('--dtypes')?.split(',') ?? null;
  if (dtypes?.some((dtype) => !(DTYPES as readonly string[]).includes(dtype)))
    throw new Error(`--dtypes takes a comma-separated list of ${DTYPES.join(', ')}.`);
  const threads = value('--threads') === null ? null : Number(value('--threads'));
  if (threads !== null && !(Number.isInteger(threads) && threads > 0))
    throw new Error('--threads needs a whole number of at least 1.');
  return { runs, dtypes: dtypes as Dtype[] | null, threads };
}

function node(args: string[], input?: string): string {
  return execFileSync(process.execPath, args, {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: input === undefined ? ['ignore', 'pipe', 'inherit'] : ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
}

/** The corpus the forge trains its tokenizers on, as words: the prompts and sentences are cut from it. */
function corpusWords(): string[] {
  return loadCorpus().split(/\s+/).filter(Boolean);
}

/** `count` texts of `words` words each, from different places of the corpus (wrapping around). */
function texts(corpus: readonly string[], count: number, words: number, offset: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const start = (offset + i * 997) % corpus.length;
    return Array.from({ length: words }, (_, w) => corpus[(start + w) % corpus.length]).join(' ');
  });
}

/** Gzipped bytes of the scripts index.html loads before the app can start (the wasm and models come later). */
function initialJsGzipBytes(dist: string): number {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const scripts = [
    ...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+)"/g),
  ];
  return scripts.reduce(
    (sum, [, src]) => sum + gzipSync(readFileSync(join(dist, (src ?? '').replace(/^\//, '')))).length,
    0,
  );
}

/** Pids of the Chromium processes whose command line contains `marker` (Linux; elsewhere none). */
function chromiumPids(marker: string): number[] {
  if (platform() !== 'linux') return [];
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmdline.includes('chrom') && cmdline.includes(marker);
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
}

/** The renderer processes: the page and its workers. */
const rendererPids = () => chromiumPids('--type=renderer');

/** CPU seconds used so far by every Chromium process (Linux), or null where /proc does not tell. */
function chromiumCpuSeconds(): number | null {
  if (platform() !== 'linux') return null;
  let ticks = 0;
  for (const pid of chromiumPids('')) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0); // utime, stime
    } catch {
      // A process that exited meanwhile.
    }
  }
  return ticks / 100;
}

/**
 * Waits until Chromium is idle: under 5 % of a core and its renderers' memory steady (within 16 MB) over
 * half a second, 30 s at most. An engine that was just terminated takes seconds to let go of its threads
 * and gigabytes of memory: the runs that followed one were up to half as fast without this.
 */
async function settle(): Promise<void> {
  const deadline = Date.now() + 30_000;
  const reading = () => ({ cpu: chromiumCpuSeconds(), memory: rendererResidentBytes() });
  let last = reading();
  while (last.cpu !== null && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = reading();
    if ((now.cpu ?? 0) - last.cpu < 0.025 && Math.abs(now.memory - last.memory) < 16e6) return;
    last = now;
  }
}

/** A field of `/proc/<pid>/status` in bytes (`VmRSS`, `VmHWM`); null once the process is gone. */
function statusBytes(pid: number, field: string): number | null {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** The renderers' resident memory together, in bytes (0 where /proc does not tell). */
function rendererResidentBytes(pids: number[] = rendererPids()): number {
  return pids.reduce((sum, pid) => sum + (statusBytes(pid, 'VmRSS') ?? 0), 0);
}

const RSS_SAMPLE_MS = 100;

/**
 * Watches the renderers' resident memory (the page and its workers) for one configuration: resets their
 * peak (Linux `clear_refs`) and samples their RSS every 100 ms, and `stop()` gives the larger of the two
 * readings. The kernel's peak alone once read 266 MB for a run holding a 250 MB model, right after a
 * 2 GB engine had been let go; the samples guard against that. Both would count memory that an engine
 * before left in the renderer: measure in a fresh one.
 */
function watchRendererMemory(): { stop(): number | null } {
  const pids = rendererPids();
  for (const pid of pids) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      // A renderer that exited meanwhile.
    }
  }
  let sampled = 0;
  const timer = setInterval(() => {
    for (const pid of pids) sampled = Math.max(sampled, statusBytes(pid, 'VmRSS') ?? 0);
  }, RSS_SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      const peaks = pids.flatMap((pid) => statusBytes(pid, 'VmHWM') ?? []);
      return peaks.length > 0 || sampled > 0 ? Math.max(sampled, ...peaks) : null;
    },
  };
}

interface Setup {
  backend: Backend;
  threads: number;
  /** As the report names it: `wasm ×1`, `wasm ×2`, `webgpu`. */
  label: string;
  /** Whether it measures everything, or (WASM on one thread) chat at fp32 and q8 only. */
  full: boolean;
}

/**
 * WASM on all threads and a real GPU measure everything. WASM on one thread measures chat at fp32 and q8:
 * what the thread count changes is decode speed, and its q4 and embedding rows took half of a run that
 * must end within 20 minutes on two cores (q4 decodes at 3 tokens/s there).
 */
function setupsFor(capabilities: BackendCapabilities): Setup[] {
  const all = capabilities.wasmThreads;
  const setups: Setup[] = [{ backend: 'wasm', threads: 1, label: 'wasm ×1', full: all === 1 }];
  if (all > 1) setups.push({ backend: 'wasm', threads: all, label: `wasm ×${all}`, full: true });
  // SwiftShader is correct but no measure of WebGPU speed.
  if (capabilities.webgpu && !capabilities.webgpu.isFallback)
    setups.push({ backend: 'webgpu', threads: 1, label: 'webgpu', full: true });
  return setups;
}

const PARTIAL_SETUP_DTYPES: readonly Dtype[] = ['fp32', 'q8'];

interface Collected {
  measurements: Measurement[];
  nativeJobs: { setup: Setup; job: DecoderJob | EncoderJob; rows: NativeRows }[];
}
/** Where a native job's figures go: per native figure name, the row awaiting it. */
type NativeRows = Record<string, Measurement>;

function row(
  setup: Setup,
  dtype: string,
  metric: string,
  unit: string,
  higherIsBetter: boolean,
  app: number[],
): Measurement {
  return { metric, backend: setup.label, dtype, unit, higherIsBetter, app, native: null };
}

async function call<K extends keyof BenchmarkPage>(
  page: Page,
  method: K,
  argument: Parameters<BenchmarkPage[K]>[0],
): Promise<Awaited<ReturnType<BenchmarkPage[K]>>> {
  return page.evaluate(
    ([name, arg]) => {
      const hook = window.glassboxBenchmark as unknown as Record<string, (a: unknown) => unknown>;
      return hook[name]?.(arg);
    },
    [method, argument] as const,
  ) as Promise<Awaited<ReturnType<BenchmarkPage[K]>>>;
}

function decoderShape(): DecoderJob['shape'] {
  const config = JSON.parse(
    readFileSync(join(MODELS, DECODER.id, 'resolve', 'main', 'config.json'), 'utf8'),
  ) as Record<string, number>;
  const heads = config['num_attention_heads'] ?? 1;
  return {
    numLayers: config['num_hidden_layers'] ?? 0,
    numKvHeads: config['num_key_value_heads'] ?? heads,
    headDim: config['head_dim'] ?? (config['hidden_size'] ?? 0) / heads,
    vocabSize: config['vocab_size'] ?? 0,
  };
}

const modelFile = (id: string, dtype: Dtype) =>
  join(MODELS, id, 'resolve', 'main', weightFile(dtype));

async function measureDecoder(
  page: Page,
  setup: Setup,
  spec: ModelSpec,
  runs: number,
  corpus: string[],
  collected: Collected,
): Promise<void> {
  const workload: DecoderWorkload = {
    spec,
    backend: setup.backend,
    threads: setup.threads,
    warmUpText: texts(corpus, 1, WORKLOAD.prefillPromptTokens, 3001)[0] ?? '',
    decodeTexts: texts(corpus, runs, WORKLOAD.decodePromptTokens, 11),
    decodePromptTokens: WORKLOAD.decodePromptTokens,
    decodeTokens: WORKLOAD.decodeTokens,
    prefillTexts: texts(corpus, runs, WORKLOAD.prefillPromptTokens, 5003),
    prefillPromptTokens: WORKLOAD.prefillPromptTokens,
    conversations: Array.from({ length: runs }, (_, run) =>
      texts(corpus, WORKLOAD.turns, 16, 20011 + run * 131),
    ),
    replyTokens: WORKLOAD.replyTokens,
  };
  await settle();
  const rendererMemory = watchRendererMemory();
  const result: DecoderRuns = await call(page, 'decoder', workload);
  const peak = rendererMemory.stop();
  const { dtype } = spec;
  const decode = row(
    setup,
    dtype,
    'decode',
    'tok/s',
    true,
    result.decode.map((r) => r.tokensPerSecond),
  );
  const prefill = row(
    setup,
    dtype,
    'prefill',
    'tok/s',
    true,
    result.prefill.map((r) => r.tokensPerSecond),
  );
  const turns = Object.fromEntries(
    REPORTED_TURNS.map((turn) => [
      `ttft turn ${turn}`,
      row(
        setup,
        dtype,
        `ttft turn ${turn}`,
        'ms',
        false,
        result.conversations.map((c) => c[turn - 1]?.ttftMs ?? NaN),
      ),
    ]),
  );
  collected.measurements.push(decode, prefill, ...Object.values(turns));
  const memory = peak === null ? null : row(setup, dtype, 'peak memory (chat)', 'MB', false, [peak / 1e6]);
  if (memory) collected.measurements.push(memory);
  const meanPrompt = (list: { prompt: number[] }[]) =>
    Math.round(list.reduce((sum, r) => sum + r.prompt.length, 0) / list.length);
  const meanTokens = Math.round(
    result.decode.reduce((sum, r) => sum + r.tokens.length, 0) / result.decode.length,
  );
  say(
    `${setup.label} ${spec.id} ${dtype}: decode ${decode.app.map((v) => v.toFixed(1)).join(', ')} tok/s ` +
      `(${meanPrompt(result.decode)}-token prompt, ${meanTokens} new), prefill ${prefill.app.map((v) => v.toFixed(0)).join(', ')} tok/s ` +
      `(${meanPrompt(result.prefill)} tokens), ttft ${Object.values(turns)
        .map((t) => t.app.map((v) => v.toFixed(0)).join('/'))
        .join(' → ')} ms (turn ${WORKLOAD.turns} computes ${result.conversations
        .map((c) => {
          const last = c.at(-1);
          return last ? `${last.prompt.length - last.reused} of ${last.prompt.length}` : '?';
        })
        .join(', ')} tokens)`,
  );
  if (setup.backend !== 'wasm') return;
  const job: DecoderJob = {
    kind: 'decoder',
    model: modelFile(spec.id, dtype),
    shape: decoderShape(),
    threads: setup.threads,
    runs,
    decode: result.decode.map(({ prompt, tokens }) => ({ prompt, tokens })),
    prefill: result.prefill.map(({ prompt, reused }) => ({ prompt, reused })),
    turns: Object.fromEntries(
      REPORTED_TURNS.map((turn) => [
        `ttft turn ${turn}`,
        result.conversations.map((c) => ({
          prompt: c[turn - 1]?.prompt ?? [],
          reused: c[turn - 1]?.reused ?? 0,
        })),
      ]),
    ),
  };
  const rows: NativeRows = { decode, prefill, ...turns };
  if (memory) rows['peak memory'] = memory;
  collected.nativeJobs.push({ setup, job, rows });
}

async function measureEncoder(
  page: Page,
  setup: Setup,
  spec: ModelSpec,
  runs: number,
  corpus: string[],
  collected: Collected,
): Promise<void> {
  const sentences = texts(corpus, WORKLOAD.sentences, WORKLOAD.sentenceWords, 307);
  await settle();
  const rendererMemory = watchRendererMemory();
  const result: EncoderRuns = await call(page, 'encoder', {
    spec,
    backend: setup.backend,
    threads: setup.threads,
    sentences,
    batchSizes: WORKLOAD.batchSizes,
    runs,
  });
  const peak = rendererMemory.stop();
  const rows: NativeRows = {};
  for (const batchSize of WORKLOAD.batchSizes) {
    const metric = `embeddings (batch ${batchSize})`;
    rows[metric] = row(setup, spec.dtype, metric, 'sentences/s', true, result.rates[batchSize] ?? []);
  }
  if (peak !== null)
    rows['peak memory'] = row(setup, spec.dtype, 'peak memory (embeddings)', 'MB', false, [peak / 1e6]);
  collected.measurements.push(...Object.values(rows));
  const meanTokens = result.tokens.reduce((sum, ids) => sum + ids.length, 0) / result.tokens.length;
  say(
    `${setup.label} ${spec.id} ${spec.dtype}: ${WORKLOAD.batchSizes.map((b) => `batch ${b} ${rows[`embeddings (batch ${b})`]?.app.map((v) => v.toFixed(0)).join('/')}`).join(', ')} sentences/s (${meanTokens.toFixed(0)} tokens each)`,
  );
  if (setup.backend !== 'wasm') return;
  const job: EncoderJob = {
    kind: 'encoder',
    model: modelFile(spec.id, spec.dtype),
    threads: setup.threads,
    sentences: result.tokens,
    batchSizes: WORKLOAD.batchSizes,
    runs,
  };
  collected.nativeJobs.push({ setup, job, rows });
}

async function measureLoads(page: Page, setup: Setup, spec: ModelSpec, runs: number, collected: Collected) {
  const result = { network: [] as number[], storage: [] as number[] };
  for (const from of ['network', 'storage'] as const) {
    for (let run = 0; run <= runs; run++) {
      await settle(); // a terminated engine lets go of its memory slowly
      const ms = await call(page, 'load', { spec, backend: setup.backend, threads: setup.threads, from });
      if (run > 0) result[from].push(ms); // the first is the warm-up
    }
  }
  const what = spec.task === 'text-generation' ? 'chat' : 'embeddings';
  const network = row(setup, spec.dtype, `load from network (${what})`, 'ms', false, result.network);
  const storage = row(setup, spec.dtype, `load from storage (${what})`, 'ms', false, result.storage);
  collected.measurements.push(network, storage);
  say(
    `${setup.label} ${spec.id} ${spec.dtype}: load ${network.app.map((v) => v.toFixed(0)).join('/')} ms from the mirror, ${storage.app.map((v) => v.toFixed(0)).join('/')} ms from storage`,
  );
  const native = collected.nativeJobs.find(
    (job) => job.setup === setup && job.job.model === modelFile(spec.id, spec.dtype),
  );
  if (native) native.rows['load'] = storage;
}

/** Main-thread long tasks while the chat panel streams a reply: the whole UI, rendering included. */
async function measureLongTasks(
  context: BrowserContext,
  appUrl: string,
  mirrorUrl: string,
  setup: Setup,
  dtype: Dtype,
  runs: number,
  corpus: string[],
  collected: Collected,
): Promise<void> {
  const page = await context.newPage();
  await page.addInitScript(() => {
    const tasks: { start: number; duration: number }[] = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
    (window as unknown as { longTasks: typeof tasks }).longTasks = tasks;
  });
  const params = new URLSearchParams({ host: mirrorUrl, model: DECODER.id, dtype, backend: setup.backend });
  await page.goto(`${appUrl}/?${params.toString()}#/chat`);
  await page
    .getByTestId('backend-badge')
    .and(page.locator(`[data-backend="${setup.backend}"]`))
    .waitFor({ timeout: 300_000 });
  await page.getByLabel('Max new tokens').fill(String(WORKLOAD.decodeTokens));
  const durations: number[] = [];
  let observed = 0;
  for (let run = 0; run <= runs; run++) {
    await page
      .getByRole('textbox', { name: 'Message' })
      .fill(texts(corpus, 1, 24, 40009 + run * 17)[0] ?? '');
    const started = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('assistant-message').nth(run).waitFor({ timeout: 300_000 });
    const ended = await page.evaluate(() => performance.now());
    const tasks = await page.evaluate(
      () => (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks,
    );
    observed = tasks.length;
    const during = tasks.filter((task) => task.start >= started && task.start <= ended);
    if (run > 0) durations.push(Math.max(0, ...during.map((task) => task.duration)));
  }
  await page.close();
  collected.measurements.push(
    row(setup, dtype, 'longest main-thread task while generating', 'ms', false, durations),
  );
  say(
    `${setup.label} chat panel, ${dtype}: longest main-thread task while generating ${durations.map((d) => d.toFixed(0)).join('/')} ms (0: none over 50 ms; ${observed} long tasks observed in the page's life, loading included)`,
  );
}

function runNative(job: DecoderJob | EncoderJob): NativeResult {
  const out = node(['--import', 'tsx', join(ROOT, 'bench', 'native.ts')], JSON.stringify(job));
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as NativeResult;
}

function chromiumVersion(): string {
  try {
    return execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** The app's WASM dtype for the catalog model a forged one is shaped after. */
function recommendedOnWasm(model: { shapedAfter: string }): Dtype | null {
  const entry = findModel(model.shapedAfter);
  return entry ? appDtypeFor(entry, 'wasm') : null;
}

function targetLines(rows: readonly SummaryRow[], initialJs: number): string[] {
  const recommended = { decoder: recommendedOnWasm(DECODER), encoder: recommendedOnWasm(ENCODER) };
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
      `- No main-thread task over 50 ms while generating (${r.backend} ${r.dtype}): longest ${r.app.toFixed(0)} ms (${r.app <= 50 ? 'met' : 'missed'}).`,
    );
  }
  lines.push(
    `- Initial JS ≤ 250 KB gzip: ${(initialJs / 1000).toFixed(0)} KB (${initialJs <= 250_000 ? 'met' : 'missed'}).`,
  );
  return lines;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const { runs } = options;
  say('forging the benchmark models (skipped when up to date)');
  node(['--import', 'tsx', join(ROOT, 'tools', 'forge', 'cli.ts'), 'bench']);
  say('building the app');
  node([join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);
  const initialJs = initialJsGzipBytes(join(ROOT, 'dist'));

  const server = await preview({ root: ROOT, logLevel: 'warn', preview: { port: 4180, host: 'localhost' } });
  const appUrl = (server.resolvedUrls?.local[0] ?? 'http://localhost:4180/').replace(/\/$/, '');
  const mirror = await startMirrorProcess([MODELS, '--port', '0', '--host', '127.0.0.1']);
  const profile = mkdtempSync(join(tmpdir(), 'glassbox-bench-'));
  const launch = () =>
    chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
      serviceWorkers: 'block',
    });
  let context = await launch();
  const benchPage = async () => {
    const opened = await context.newPage();
    await opened.goto(`${appUrl}/?bench`);
    await opened.waitForFunction(() => window.glassboxBenchmark !== undefined);
    return opened;
  };
  /**
   * The bench page in a fresh Chromium (the model store stays on disk in the profile). A renderer keeps
   * much of a let-go engine's memory for as long as it lives: the next configuration's peak counted it
   * (q8 read 2.7 GB after fp32, 1.3 GB alone).
   */
  const freshPage = async () => {
    await context.close();
    context = await launch();
    return benchPage();
  };
  const collected: Collected = { measurements: [], nativeJobs: [] };
  let capabilities: BackendCapabilities;
  try {
    let page = await benchPage();
    capabilities = await call(page, 'capabilities', undefined);
    const setups = setupsFor(capabilities).filter(
      (setup) => options.threads === null || (setup.backend === 'wasm' && setup.threads === options.threads),
    );
    const wanted = (dtypes: Dtype[]) => dtypes.filter((dtype) => options.dtypes?.includes(dtype) ?? true);
    say(
      `setups: ${setups.map((s) => s.label).join(', ')}; cross-origin isolated: ${capabilities.crossOriginIsolated}`,
    );
    const corpus = corpusWords();
    const spec = (id: string, dtype: Dtype, task: ModelSpec['task']): ModelSpec => ({
      host: mirror.url,
      id,
      dtype,
      task,
    });
    const decoders = (dtypes: Dtype[]) => dtypes.map((dtype) => spec(DECODER.id, dtype, 'text-generation'));
    const encoders = (dtypes: Dtype[]) =>
      dtypes.map((dtype) => spec(ENCODER.id, dtype, 'feature-extraction'));
    const models = [...decoders(wanted(DECODER.dtypes)), ...encoders(wanted(ENCODER.dtypes))];
    say('storing the models in the browser (downloads are not timed here)');
    for (const model of models)
      await call(page, 'load', { spec: model, backend: 'wasm', threads: 1, from: 'storage' });
    for (const setup of setups) {
      const dtypes = (all: Dtype[]) =>
        wanted(setup.full ? all : all.filter((d) => PARTIAL_SETUP_DTYPES.includes(d)));
      const measured = [
        ...decoders(dtypes(DECODER.dtypes)).map((model) => ({ model, measure: measureDecoder })),
        ...(setup.full ? encoders(dtypes(ENCODER.dtypes)) : []).map((model) => ({
          model,
          measure: measureEncoder,
        })),
      ];
      for (const { model, measure } of measured) {
        page = await freshPage();
        await measure(page, setup, model, runs, corpus, collected);
      }
    }
    // Loads last: deleting and rewriting hundreds of MB leaves the browser busy for seconds afterwards,
    // which the timed runs after them showed.
    page = await freshPage();
    for (const setup of setups.filter((s) => s.full))
      for (const model of models) await measureLoads(page, setup, model, runs, collected);
    await page.close();
    const fastest = setups.at(-1) as Setup;
    await measureLongTasks(
      context,
      appUrl,
      mirror.url,
      fastest,
      recommendedOnWasm(DECODER) ?? 'fp32',
      runs,
      corpus,
      collected,
    );
  } finally {
    await context.close();
    await mirror.stop();
    await new Promise<void>((done) => server.httpServer.close(() => done()));
    rmSync(profile, { recursive: true, force: true });
  }

  say('native baseline: onnxruntime-node on the same files, threads and token ids');
  for (const { setup, job, rows } of collected.nativeJobs) {
    const result = runNative(job);
    for (const [name, values] of Object.entries(result.figures)) {
      const target = rows[name];
      if (target) target.native = values;
    }
    if (rows['peak memory']) rows['peak memory'].native = [result.peakBytes / 1e6];
    if (rows['load']) rows['load'].native = result.loadMs;
    say(
      `native ${setup.label} ${job.model.replace(`${MODELS}/`, '')}: ${Object.entries(result.figures)
        .map(([name, values]) => `${name} ${values.map((v) => v.toFixed(1)).join('/')}`)
        .join(', ')}`,
    );
  }

  const rows = collected.measurements.map(summarize);
  rows.push(
    summarize({
      metric: 'initial JS (gzip)',
      backend: '—',
      dtype: '—',
      unit: 'KB',
      higherIsBetter: false,
      app: [initialJs / 1000],
      native: null,
    }),
  );
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 1e9),
    os: `${platform()} ${release()}`,
    node: process.version,
    browser: chromiumVersion(),
    capabilities: capabilities!,
  };
  const minutes = (Date.now() - startedAt) / 60_000;
  const markdown = [
    `# Glassbox benchmark`,
    '',
    `${new Date().toISOString().slice(0, 10)} · ${machine.cpu} (${machine.cores} cores, ${machine.memoryGb} GB) · ${machine.browser} · WebGPU: ${capabilities!.webgpu ? `${capabilities!.webgpu.vendor} ${capabilities!.webgpu.architecture}${capabilities!.webgpu.isFallback ? ' (software: not measured)' : ''}` : 'none'} · median of ${runs} runs after a warm-up · ${minutes.toFixed(1)} minutes`,
    '',
    markdownTable(rows),
    '## Targets',
    '',
    ...targetLines(rows, initialJs),
    '',
  ].join('\n');
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'latest.md'), markdown);
  writeFileSync(
    join(RESULTS, 'latest.json'),
    `${JSON.stringify({ date: new Date().toISOString(), runs, machine, workload: WORKLOAD, rows, raw: collected.measurements }, null, 2)}\n`,
  );
  process.stdout.write(`\n${markdown}`);
  say(`written to bench/results/latest.md and latest.json in ${minutes.toFixed(1)} minutes`);
}

await main();
