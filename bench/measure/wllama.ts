/**
 * The CPU peer: wllama (llama.cpp in WebAssembly, bench/wllama) in the same Chromium, on the GGUF files the
 * forge writes from the same weights, with each WASM setup's threads and the very prompts the app read
 * (decode and prefill), at the type nearest each dtype the app measured there (`PEER_TYPES`). Its figures
 * go beside the app's decode and prefill rows.
 *
 *   await measurePeer({ browser, mirrorUrl, runs, collected });
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dtype } from '../../src/core/model.ts';
import { ggufFile, type GgufType } from '../../tools/forge/gguf.ts';
import type { BenchBrowser } from '../chromium/browser.ts';
import { DECODER } from '../models.ts';
import type { DecoderJob } from '../native.ts';
import { ROOT } from '../paths.ts';
import { perRun, say } from '../progress.ts';
import type { Setup } from '../setups.ts';
import { runPeer, type PeerRuns, type PeerWorkload } from '../wllama/page.ts';
import { startWllamaServer } from '../wllama/server.ts';
import type { Collected } from './collected.ts';

/**
 * The GGUF type beside each dtype: the same precision (fp16 runs as fp32 in the tab), and ggml's 4-bit
 * blocks of 32 beside MatMulNBits' (q4f16 differs from q4 in its scales only).
 */
export const PEER_TYPES: Partial<Record<Dtype, GgufType>> = {
  fp32: 'f32',
  fp16: 'f32',
  q8: 'q8_0',
  q4: 'q4_0',
  q4f16: 'q4_0',
};

/** `@wllama/wllama <version> (llama.cpp <build>)`, for the report. */
export function peerName(llamaCpp: string): string {
  const { version } = JSON.parse(
    readFileSync(join(ROOT, 'node_modules', '@wllama', 'wllama', 'package.json'), 'utf8'),
  ) as { version: string };
  return `@wllama/wllama ${version} (llama.cpp ${llamaCpp})`;
}

export async function measurePeer({
  browser,
  mirrorUrl,
  collected,
}: {
  browser: BenchBrowser;
  mirrorUrl: string;
  collected: Collected;
}): Promise<string | null> {
  // Only where the app measured everything (all threads): each type takes about a minute, and the run
  // should stay near 25 minutes. Each type runs once per setup, on the prompts of the first app job it
  // stands beside.
  const jobs = collected.nativeJobs.flatMap(({ setup, job, rows }) => {
    const type = rows['decode'] ? PEER_TYPES[rows['decode'].dtype as Dtype] : undefined;
    return setup.full && job.kind === 'decoder' && type ? [{ setup, job, rows, type }] : [];
  });
  if (jobs.length === 0) return null;
  const measured = new Map<string, PeerRuns>();
  const server = await startWllamaServer();
  let llamaCpp = '?';
  const runOnce = async (setup: Setup, job: DecoderJob, type: GgufType): Promise<PeerRuns> => {
    const workload: PeerWorkload = {
      base: server.url,
      url: `${mirrorUrl}/${DECODER.id}/resolve/main/${ggufFile(type)}`,
      threads: setup.threads,
      warmUp: job.prefill[0]?.prompt ?? [],
      decode: job.decode,
      prefill: job.prefill,
    };
    const page = await browser.newPage();
    await page.goto(server.url);
    const result = await page.evaluate(runPeer, workload);
    await page.close();
    llamaCpp = result.llamaCpp;
    say(
      `wllama ${setup.label} ${type}: decode ${perRun(result.decode, 1, ', ')} tok/s, prefill ${perRun(result.prefill, 0, ', ')} tok/s`,
    );
    return result;
  };
  try {
    for (const { setup, job, rows, type } of jobs) {
      const key = `${setup.label} ${type}`;
      const result = measured.get(key) ?? (await runOnce(setup, job, type));
      measured.set(key, result);
      if (rows['decode']) rows['decode'].peer = { dtype: type, values: result.decode };
      if (rows['prefill']) rows['prefill'].peer = { dtype: type, values: result.prefill };
    }
  } finally {
    await server.stop();
  }
  return peerName(llamaCpp);
}
