/**
 * `npm run bench`: Glassbox in headless Chromium against native onnxruntime-node, in one run.
 *
 * Forges the benchmark models unless present, builds the app and serves it with COOP/COEP, serves the
 * models from the mirror (the network), and drives the app's own engine from `/?bench`
 * (src/app/benchmarkPage.ts) per backend, thread count and dtype. The CPU peer, wllama (llama.cpp in
 * WebAssembly, bench/wllama), answers the app's chat prompts in the same Chromium with the same threads, on
 * GGUF files the forge writes from the same weights (f32, q8_0, q4_0 beside fp32, q8, q4). Then replays the
 * very token ids the app read and wrote in onnxruntime-node (bench/native.ts) with the same files and
 * threads, and writes the report: bench/results/latest.md and latest.json.
 *
 *   npm run bench                     the whole benchmark (about 14 minutes on 2 cores)
 *   npm run bench -- --runs 5         more timed runs per figure (3 by default, after one warm-up)
 *   npm run bench -- --dtypes fp32 --threads 2     a partial run: only these dtypes, only WASM ×2
 *   npm run bench -- --help           the options, running nothing
 */
import { fileURLToPath } from 'node:url';
import type { BackendCapabilities } from '../src/engine/protocol.ts';
import { buildApp, forgeModels } from './build.ts';
import { callBenchPage, launchBrowser } from './chromium/browser.ts';
import type { Collected } from './measure/collected.ts';
import { measureDecoder } from './measure/decoder.ts';
import { measureEncoder } from './measure/encoder.ts';
import { measureLoads } from './measure/loads.ts';
import { measureLongTasks } from './measure/longTasks.ts';
import { measurePeer } from './measure/wllama.ts';
import { benchModels, DECODER, recommendedOnWasm } from './models.ts';
import { runNativeBaseline } from './nativeBaseline.ts';
import { parseOptions, USAGE, type Options } from './options.ts';
import { say } from './progress.ts';
import { startServers } from './servers.ts';
import { modelsFor, setupsFor, type Setup } from './setups.ts';
import { corpusWords } from './workloads.ts';
import { writeResults } from './writeResults.ts';

/** Every figure the app gives in Chromium, with the native jobs that replay its WASM configurations. */
async function measureInBrowser(
  { runs, dtypes, threads }: Options,
  collected: Collected,
): Promise<BackendCapabilities> {
  const servers = await startServers();
  const browser = await launchBrowser(servers.appUrl);
  try {
    let page = await browser.benchPage();
    const capabilities = await callBenchPage(page, 'capabilities', undefined);
    const setups = setupsFor(capabilities, threads);
    say(
      `setups: ${setups.map((s) => s.label).join(', ')}; cross-origin isolated: ${capabilities.crossOriginIsolated}`,
    );
    const corpus = corpusWords();
    const models = benchModels(servers.mirrorUrl, dtypes);
    say('storing the models in the browser (downloads are not timed here)');
    for (const model of models)
      await callBenchPage(page, 'load', { spec: model, backend: 'wasm', threads: 1, from: 'storage' });
    for (const setup of setups) {
      for (const model of modelsFor(setup, models)) {
        page = await browser.freshPage();
        const measure = model.task === 'text-generation' ? measureDecoder : measureEncoder;
        await measure({ page, setup, runs, corpus, collected }, model);
      }
    }
    collected.peer = await measurePeer({ browser, mirrorUrl: servers.mirrorUrl, collected });
    // Loads last: deleting and rewriting hundreds of MB leaves the browser busy for seconds afterwards,
    // which the timed runs after them showed.
    page = await browser.freshPage();
    for (const setup of setups.filter((s) => s.full))
      for (const model of models) await measureLoads({ page, setup, runs, corpus, collected }, model);
    await page.close();
    const fastest = setups.at(-1) as Setup;
    const chat = {
      host: servers.mirrorUrl,
      id: DECODER.id,
      dtype: recommendedOnWasm(DECODER) ?? 'fp32',
      task: DECODER.task,
    };
    page = await browser.newPage();
    await measureLongTasks({ page, setup: fastest, runs, corpus, collected }, chat, servers.appUrl);
    return capabilities;
  } finally {
    await browser.close();
    await servers.stop();
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  forgeModels();
  const initialJs = buildApp();
  const collected: Collected = { measurements: [], nativeJobs: [], peer: null };
  const capabilities = await measureInBrowser(options, collected);
  runNativeBaseline(collected.nativeJobs);
  writeResults({
    runs: options.runs,
    capabilities,
    initialJs,
    measurements: collected.measurements,
    peer: collected.peer,
  });
}

// Only when run (`tsx bench/run.ts`), never when imported.
if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
