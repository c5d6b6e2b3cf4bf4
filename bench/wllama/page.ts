/**
 * The CPU peer in its page: wllama (llama.cpp in WebAssembly) loads a GGUF from the mirror with the WASM
 * setup's thread count and runs the app's very token ids through llama.cpp's decode and greedy sampler, timed
 * as the app times its chat (src/engine/tasks/generate.ts): prefill is the prompt's new part (the app's reused
 * prefix goes into the cache untimed first) up to the first token; decode is the tokens after the first, each
 * one the app wrote fed back and the next one sampled.
 *
 * wllama 2.x, not 3.x: 3.x (a llama-server loop polled for results) took 3× as long per token on the
 * SmolLM2-135M-shaped q4_0 here, in its default build (64-bit memory) and its compat build alike, and takes
 * prompts as text only; 2.x has the low-level calls used here, on ids.
 *
 *   const runs = await page.evaluate(runPeer, workload); // page: the wllama server's blank page
 */

export interface PeerWorkload {
  /** The wllama server's origin (its ESM build under /wllama/). */
  base: string;
  /** The GGUF file on the mirror. */
  url: string;
  threads: number;
  /** A prompt answered with two tokens before the timed runs. */
  warmUp: number[];
  /** Per run: the prompt and the tokens the app generated from it. */
  decode: { prompt: number[]; tokens: number[] }[];
  /** Per run: the prompt and how many of its first tokens the app had in its cache. */
  prefill: { prompt: number[]; reused: number }[];
}

export interface PeerRuns {
  decode: number[];
  prefill: number[];
  /** llama.cpp's build, as wllama reports it. */
  llamaCpp: string;
}

/** The parts of wllama 2.4.0's API used here (its own types pull in its sources). */
interface WllamaModule {
  Wllama: {
    new (
      paths: Record<'single-thread/wllama.wasm' | 'multi-thread/wllama.wasm', string>,
      config: { suppressNativeLog: boolean },
    ): {
      loadModel(blobs: Blob[], config: Record<string, unknown>): Promise<void>;
      samplingInit(config: { temp: number; top_k: number }): Promise<void>;
      kvClear(): Promise<void>;
      decode(tokens: number[], options: Record<string, never>): Promise<unknown>;
      samplingSample(): Promise<{ token: number }>;
      exit(): Promise<void>;
    };
    getLibllamaVersion(): string;
  };
}

/** Runs in the page: no imports, no helpers outside its body. */
export async function runPeer(workload: PeerWorkload): Promise<PeerRuns> {
  const { Wllama } = (await import(`${workload.base}/wllama/index.js`)) as WllamaModule;
  const wllama = new Wllama(
    {
      'single-thread/wllama.wasm': `${workload.base}/wllama/single-thread/wllama.wasm`,
      'multi-thread/wllama.wasm': `${workload.base}/wllama/multi-thread/wllama.wasm`,
    },
    { suppressNativeLog: true },
  );
  const blob = await (await fetch(workload.url)).blob();
  // One thread loads the single-thread build; n_batch covers the longest prompt in one llama_decode call.
  await wllama.loadModel([blob], { n_threads: workload.threads, n_ctx: 2048, n_batch: 2048 });
  // Greedy, as the app's chat: the sampler's pick is not fed back (the app's next token is), but costs the same.
  await wllama.samplingInit({ temp: 0, top_k: 1 });
  // One loop (no named helpers: the page gets this function's source only): the warm-up, then the runs.
  const answers = [
    { prompt: workload.warmUp, reused: 0, tokens: workload.warmUp.slice(0, 2), figure: null },
    ...workload.decode.map(({ prompt, tokens }) => ({
      prompt,
      reused: 0,
      tokens,
      figure: 'decode' as const,
    })),
    ...workload.prefill.map(({ prompt, reused }) => ({
      prompt,
      reused,
      tokens: [],
      figure: 'prefill' as const,
    })),
  ];
  const runs: PeerRuns = { decode: [], prefill: [], llamaCpp: Wllama.getLibllamaVersion() };
  try {
    for (const { prompt, reused, tokens, figure } of answers) {
      await wllama.kvClear();
      if (reused > 0) await wllama.decode(prompt.slice(0, reused), {});
      const started = performance.now();
      await wllama.decode(prompt.slice(reused), {});
      await wllama.samplingSample();
      const firstToken = performance.now();
      for (const token of tokens.slice(0, -1)) {
        await wllama.decode([token], {});
        await wllama.samplingSample();
      }
      if (figure === 'decode')
        runs.decode.push(((tokens.length - 1) * 1000) / (performance.now() - firstToken));
      if (figure === 'prefill') runs.prefill.push(((prompt.length - reused) * 1000) / (firstToken - started));
    }
    return runs;
  } finally {
    await wllama.exit();
  }
}
