/**
 * The CPU peer in its page: wllama (llama.cpp in WebAssembly) loads a GGUF from the mirror with the WASM
 * setup's thread count, on the CPU (no WebGPU), and answers the app's prompts greedily, as many new tokens
 * as the app wrote; the figures are llama.cpp's own timings (llama-server's: decode over the tokens after
 * the first, prefill over the prompt tokens it computed, a cached prefix not counted, as the app counts).
 *
 *   const runs = await page.evaluate(runPeer, workload); // page: the wllama server's blank page
 */

export interface PeerWorkload {
  /** The wllama server's origin (its ESM build under /wllama/). */
  base: string;
  /** The GGUF file on the mirror. */
  url: string;
  threads: number;
  /** Answered with two tokens before the timed runs. */
  warmUp: string;
  decode: { prompt: string; promptTokens: number; newTokens: number }[];
  prefill: { prompt: string; promptTokens: number }[];
  /** Token ids llama.cpp may not pick (tokens/peerVocabulary's notUtf8). */
  banned: number[];
}

export interface PeerRuns {
  decode: number[];
  prefill: number[];
  /** Prompts llama.cpp read as another number of tokens than the app: `read/app`. */
  promptMismatches: string[];
  /** llama.cpp's build, as wllama reports it. */
  llamaCpp: string;
}

/** The parts of wllama 3.8.1's API used here (its own types pull in its sources). */
interface Timings {
  prompt_n: number;
  prompt_per_second: number;
  predicted_n: number;
  predicted_per_second: number;
}
interface Completion {
  usage: { prompt_tokens: number };
  timings: Timings;
}
interface WllamaModule {
  Wllama: {
    new (
      paths: { default: string },
      config: { suppressNativeLog: boolean },
    ): {
      loadModel(blobs: Blob[], params: Record<string, unknown>): Promise<void>;
      createCompletion(options: Record<string, unknown>): Promise<Completion>;
      exit(): Promise<void>;
    };
    getLibllamaVersion(): string;
  };
}

/** Runs in the page: no imports, no helpers outside its body. */
export async function runPeer(workload: PeerWorkload): Promise<PeerRuns> {
  const { Wllama } = (await import(`${workload.base}/wllama/index.js`)) as WllamaModule;
  const wllama = new Wllama(
    { default: `${workload.base}/wllama/wasm/wllama.wasm` },
    { suppressNativeLog: true },
  );
  const blob = await (await fetch(workload.url)).blob();
  // One sequence (n_parallel 1) as the app runs one; n_gpu_layers 0: the CPU, never WebGPU.
  await wllama.loadModel([blob], {
    n_threads: workload.threads,
    n_gpu_layers: 0,
    n_ctx: 2048,
    n_parallel: 1,
  });
  const greedy = {
    temperature: 0,
    top_k: 1,
    ignore_eos: true,
    logit_bias: workload.banned.map((id) => [id, false]),
  };
  const runs: PeerRuns = {
    decode: [],
    prefill: [],
    promptMismatches: [],
    llamaCpp: Wllama.getLibllamaVersion(),
  };
  try {
    await wllama.createCompletion({ ...greedy, prompt: workload.warmUp, max_tokens: 2 });
    for (const run of workload.decode) {
      const reply = await wllama.createCompletion({
        ...greedy,
        prompt: run.prompt,
        max_tokens: run.newTokens,
      });
      runs.decode.push(reply.timings.predicted_per_second);
      if (reply.usage.prompt_tokens !== run.promptTokens)
        runs.promptMismatches.push(`${reply.usage.prompt_tokens}/${run.promptTokens}`);
    }
    for (const run of workload.prefill) {
      const reply = await wllama.createCompletion({ ...greedy, prompt: run.prompt, max_tokens: 1 });
      runs.prefill.push(reply.timings.prompt_per_second);
      if (reply.usage.prompt_tokens !== run.promptTokens)
        runs.promptMismatches.push(`${reply.usage.prompt_tokens}/${run.promptTokens}`);
    }
  } finally {
    await wllama.exit();
  }
  return runs;
}
