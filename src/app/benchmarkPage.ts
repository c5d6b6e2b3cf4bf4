/**
 * The page side of `npm run bench` (bench/run.ts), opened as `/?bench`: runs the benchmark's workloads
 * through the panels' own engine client, worker and model store, after a short warm-up, and returns every
 * timed run with the token ids it read and wrote, so that the native baseline can replay the same inputs.
 *
 *   await window.glassboxBenchmark.decoder({ spec, backend: 'wasm', threads: 1, … })
 */
import type { Backend, ModelSpec } from '../core/model.ts';
import { EngineClient, engineWorker } from '../engine/client.ts';
import type { ChatMessage, GenerationOptions, RunningForm } from '../engine/protocol.ts';
import { appModelHost, DEFAULT_CHAT_MODEL_ID, DEFAULT_EMBEDDING_MODEL_ID } from '../hub/catalog.ts';
import { modelStore } from '../hub/modelStore.ts';

export interface Configuration {
  spec: ModelSpec;
  backend: Backend;
  /** WASM threads; ignored by WebGPU sessions. */
  threads: number;
}

export interface DecoderWorkload extends Configuration {
  /** Cut to a prefill prompt and answered with two tokens before the timed runs. */
  warmUpText: string;
  /**
   * One text per run, each different so that no run reuses another's KV cache; each is cut to the longest
   * start of its words whose prompt fits `decodePromptTokens` (chat template included).
   */
  decodeTexts: string[];
  decodePromptTokens: number;
  decodeTokens: number;
  prefillTexts: string[];
  prefillPromptTokens: number;
  /** One scripted conversation per run: the user's messages, turn by turn. */
  conversations: string[][];
  replyTokens: number;
}

/** A prompt as the engine computed it: its ids, of which the first `reused` came from the KV cache. */
export interface ComputedPrompt {
  prompt: number[];
  reused: number;
}

/** What the weights ran as where the engine rewrote them for the CPU (on WASM, 4-bit and float16), else null. */
interface Ran {
  running: RunningForm | null;
}

/** Look inside one decode run's prompt and reply, beside a prefill of the same tokens. */
export interface InsideRun {
  tokens: number;
  /** The look, less the instrumented sessions' build (the first look's). */
  lookMs: number;
  buildMs: number | null;
  prefillMs: number;
}

/**
 * Look inside (chat/LookInside.tsx) in an engine of its own, so that the decoder's figures (its peak memory
 * above all) leave its sessions out: decode per run before any look, each run's reply looked inside beside a
 * prefill of the same tokens, then decode again while the instrumented sessions are held.
 */
export interface InsideRuns extends Ran {
  decodeBefore: number[];
  inside: InsideRun[];
  decodeAfter: number[];
}

export interface DecoderRuns extends Ran {
  decode: { tokensPerSecond: number; prompt: number[]; tokens: number[] }[];
  prefill: (ComputedPrompt & { tokensPerSecond: number })[];
  /** Per run: every turn's time to first token and prompt. */
  conversations: (ComputedPrompt & { ttftMs: number })[][];
}

export interface LoadRun extends Ran {
  loadMs: number;
  /**
   * From storage: the model loads in an engine whose runtime has started (a demo model of the other slot
   * loaded first), as native session creation is timed after a warm-up; this is that first load's time.
   */
  engineStartMs: number | null;
}

export interface EncoderWorkload extends Configuration {
  sentences: string[];
  batchSizes: number[];
  /** Timed runs per batch size (after one warm-up with a few sentences). */
  runs: number;
}

export interface EncoderRuns extends Ran {
  /** Each sentence's token ids, as the model read them. */
  tokens: number[][];
  /** Sentences per second, per batch size, per timed run. */
  rates: Record<number, number[]>;
}

export interface BenchmarkPage {
  capabilities(): ReturnType<EngineClient['probe']>;
  /**
   * Page-side milliseconds from starting a fresh engine to the model being ready, from the network (the
   * store emptied first) or from the device's store, and the form the weights ran as (with the time its
   * rewrite took, where this load wrote it).
   */
  load(configuration: Configuration & { from: 'network' | 'storage' }): Promise<LoadRun>;
  decoder(workload: DecoderWorkload): Promise<DecoderRuns>;
  inside(workload: DecoderWorkload): Promise<InsideRuns>;
  encoder(workload: EncoderWorkload): Promise<EncoderRuns>;
}

declare global {
  interface Window {
    glassboxBenchmark?: BenchmarkPage;
  }
}

/** A benchmark's system prompt: short, so that the chat template leaves room for a 32-token prompt. */
const SYSTEM: ChatMessage = { role: 'system', content: 'Be brief.' };

const GREEDY: Omit<GenerationOptions, 'maxNewTokens'> = {
  greedy: true,
  temperature: 1,
  topK: 0,
  topP: 1,
  repetitionPenalty: 1,
  seed: 1,
};

/** A fresh engine with the model loaded; the caller terminates it. */
async function engineWith({ spec, backend, threads }: Configuration) {
  const engine = new EngineClient(engineWorker({ wasmThreads: threads }));
  const started = performance.now();
  const { running } = await engine.load(spec, backend, () => {}).done;
  return { engine, loadMs: performance.now() - started, running };
}

/** The longest start of `text`, in whole words, whose prompt as a lone user message has at most `tokens` tokens. */
async function promptOf(engine: EngineClient, text: string, tokens: number): Promise<string> {
  const words = text.split(/\s+/);
  const fits = async (count: number) =>
    (await engine.renderPrompt([SYSTEM, { role: 'user', content: words.slice(0, count).join(' ') }], 1))
      .tokens.length <= tokens;
  let [low, high] = [1, Math.min(words.length, tokens)];
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (await fits(middle)) low = middle;
    else high = middle - 1;
  }
  return words.slice(0, low).join(' ');
}

/**
 * Looks inside a reply (`tokens` after `messages`), then times a normal prefill of the same tokens: the
 * reply given as a branch's prefix, so that the model computes prompt and reply at once, and writes one token.
 */
async function lookAndPrefill(
  engine: EngineClient,
  messages: ChatMessage[],
  tokens: number[],
): Promise<InsideRun> {
  const started = performance.now();
  const view = await engine.lookInside({ messages, reply: tokens, maxNewTokens: tokens.length }).done;
  const lookMs = performance.now() - started - (view.timing.buildMs ?? 0);
  const prefill = await engine.generate(messages, { ...GREEDY, maxNewTokens: tokens.length + 1 }, () => {}, {
    prefix: tokens,
  }).done;
  return {
    tokens: view.tokens.length,
    lookMs,
    buildMs: view.timing.buildMs,
    prefillMs: prefill.stats.timeToFirstTokenMs,
  };
}

async function reply(engine: EngineClient, messages: ChatMessage[], maxNewTokens: number) {
  const view = await engine.renderPrompt(messages, maxNewTokens);
  const generated = await engine.generate(messages, { ...GREEDY, maxNewTokens }, () => {}).done;
  return { prompt: view.tokens.map((token) => token.id), generated };
}

async function decoder(workload: DecoderWorkload): Promise<DecoderRuns> {
  const { engine, running } = await engineWith(workload);
  try {
    const warmUp = await promptOf(engine, workload.warmUpText, workload.prefillPromptTokens);
    await reply(engine, [SYSTEM, { role: 'user', content: warmUp }], 2);
    const runs: DecoderRuns = { decode: [], prefill: [], conversations: [], running };
    for (const text of workload.decodeTexts) {
      const content = await promptOf(engine, text, workload.decodePromptTokens);
      const messages: ChatMessage[] = [SYSTEM, { role: 'user', content }];
      const { prompt, generated } = await reply(engine, messages, workload.decodeTokens);
      runs.decode.push({
        tokensPerSecond: generated.stats.decodeTokensPerSecond,
        prompt,
        tokens: generated.tokenIds,
      });
    }
    for (const text of workload.prefillTexts) {
      const content = await promptOf(engine, text, workload.prefillPromptTokens);
      const { prompt, generated } = await reply(engine, [SYSTEM, { role: 'user', content }], 1);
      const { prefillTokensPerSecond, reusedPromptTokens } = generated.stats;
      runs.prefill.push({ tokensPerSecond: prefillTokensPerSecond, prompt, reused: reusedPromptTokens });
    }
    for (const conversation of workload.conversations) {
      const messages: ChatMessage[] = [];
      const turns: DecoderRuns['conversations'][number] = [];
      for (const content of conversation) {
        messages.push({ role: 'user', content });
        const { prompt, generated } = await reply(engine, messages, workload.replyTokens);
        messages.push({ role: 'assistant', content: generated.text, tokenIds: generated.tokenIds });
        const { timeToFirstTokenMs, reusedPromptTokens } = generated.stats;
        turns.push({ ttftMs: timeToFirstTokenMs, prompt, reused: reusedPromptTokens });
      }
      runs.conversations.push(turns);
    }
    return runs;
  } finally {
    engine.terminate();
  }
}

async function inside(workload: DecoderWorkload): Promise<InsideRuns> {
  const { engine, running } = await engineWith(workload);
  try {
    const warmUp = await promptOf(engine, workload.warmUpText, workload.prefillPromptTokens);
    const other: ChatMessage[] = [SYSTEM, { role: 'user', content: warmUp }];
    await reply(engine, other, 2);
    const runs: InsideRuns = { decodeBefore: [], inside: [], decodeAfter: [], running };
    const decoded: { messages: ChatMessage[]; tokens: number[] }[] = [];
    for (const text of workload.decodeTexts) {
      const content = await promptOf(engine, text, workload.decodePromptTokens);
      const messages: ChatMessage[] = [SYSTEM, { role: 'user', content }];
      const { generated } = await reply(engine, messages, workload.decodeTokens);
      runs.decodeBefore.push(generated.stats.decodeTokensPerSecond);
      decoded.push({ messages, tokens: generated.tokenIds });
    }
    // A reply to another prompt first: no prefill below may reuse the KV cache of the run it repeats.
    await reply(engine, other, 2);
    for (const { messages, tokens } of decoded)
      runs.inside.push(await lookAndPrefill(engine, messages, tokens));
    for (const { messages } of decoded) {
      const { generated } = await reply(engine, messages, workload.decodeTokens);
      runs.decodeAfter.push(generated.stats.decodeTokensPerSecond);
    }
    return runs;
  } finally {
    engine.terminate();
  }
}

async function encoder(workload: EncoderWorkload): Promise<EncoderRuns> {
  const { engine, running } = await engineWith(workload);
  try {
    const { host, id } = workload.spec;
    const tokens: number[][] = [];
    for (const sentence of workload.sentences)
      tokens.push((await engine.tokenize(host, id, sentence)).map((token) => token.id));
    const embed = (sentences: string[], batchSize: number) =>
      engine.embed(
        sentences,
        { pooling: 'mean', normalize: true, useModelPooling: false, batchSize },
        () => {},
      ).done;
    await embed(workload.sentences.slice(0, 32), 16); // the warm-up
    const rates: EncoderRuns['rates'] = {};
    for (const batchSize of workload.batchSizes) {
      const runs: number[] = [];
      for (let run = 0; run < workload.runs; run++) {
        const started = performance.now();
        await embed(workload.sentences, batchSize);
        runs.push((workload.sentences.length * 1000) / (performance.now() - started));
      }
      rates[batchSize] = runs;
    }
    return { tokens, rates, running };
  } finally {
    engine.terminate();
  }
}

/**
 * Loads the model from the network in a fresh engine (the store emptied first), or from the store in an
 * engine that has started its runtime (the time of that start, with a demo model, is kept beside it).
 */
async function load({
  from,
  ...configuration
}: Configuration & { from: 'network' | 'storage' }): Promise<LoadRun> {
  if (from === 'network') {
    await modelStore.removeAll();
    const { engine, loadMs, running } = await engineWith(configuration);
    engine.terminate();
    return { loadMs, running, engineStartMs: null };
  }
  const { spec, backend } = configuration;
  const warmUp: ModelSpec =
    spec.task === 'text-generation'
      ? { host: appModelHost(), id: DEFAULT_EMBEDDING_MODEL_ID, dtype: 'fp32', task: 'feature-extraction' }
      : { host: appModelHost(), id: DEFAULT_CHAT_MODEL_ID, dtype: 'fp32', task: 'text-generation' };
  const { engine, loadMs: engineStartMs } = await engineWith({ ...configuration, spec: warmUp });
  try {
    const started = performance.now();
    const { running } = await engine.load(spec, backend, () => {}).done;
    return { loadMs: performance.now() - started, running, engineStartMs };
  } finally {
    engine.terminate();
  }
}

window.glassboxBenchmark = {
  capabilities: async () => {
    const engine = new EngineClient(engineWorker());
    try {
      return await engine.probe();
    } finally {
      engine.terminate();
    }
  },
  load,
  decoder,
  inside,
  encoder,
};
document.title = 'Glassbox benchmark';
