/**
 * Which backends and thread counts the run measures, and which models each of them measures.
 *
 *   setupsFor({ wasmThreads: 2, webgpu: null, … }, null) // → wasm ×1 (chat at fp32, q8, q4f16), wasm ×2 (all)
 */
import type { Configuration } from '../src/app/benchmarkPage.ts';
import type { Backend, Dtype, ModelSpec } from '../src/core/model.ts';
import type { BackendCapabilities } from '../src/engine/protocol.ts';

export interface Setup {
  backend: Backend;
  threads: number;
  /** As the report names it: `wasm ×1`, `wasm ×2`, `webgpu`. */
  label: string;
  /** Whether it measures everything, or (WASM on one thread) chat at fp32, q8 and q4f16 only. */
  full: boolean;
}

const PARTIAL_SETUP_DTYPES: readonly Dtype[] = ['fp32', 'q8', 'q4f16'];

/**
 * WASM on all threads and a real GPU measure everything. WASM on one thread measures chat at fp32, q8 and
 * q4f16 (run as int8, the catalog's WASM choice for SmolLM2-135M): what the thread count changes is
 * decode speed, and the other rows would lengthen a run that should end within about 25 minutes on two
 * cores.
 * With `threads` (a partial run), only WASM with that many threads.
 */
export function setupsFor(
  capabilities: Pick<BackendCapabilities, 'wasmThreads' | 'webgpu'>,
  threads: number | null,
): Setup[] {
  const all = capabilities.wasmThreads;
  const setups: Setup[] = [{ backend: 'wasm', threads: 1, label: 'wasm ×1', full: all === 1 }];
  if (all > 1) setups.push({ backend: 'wasm', threads: all, label: `wasm ×${all}`, full: true });
  // SwiftShader is correct but no measure of WebGPU speed.
  if (capabilities.webgpu && !capabilities.webgpu.isFallback)
    setups.push({ backend: 'webgpu', threads: 1, label: 'webgpu', full: true });
  return setups.filter(
    (setup) => threads === null || (setup.backend === 'wasm' && setup.threads === threads),
  );
}

/** Of the run's `models`, those `setup` measures, in their order. */
export function modelsFor(setup: Setup, models: readonly ModelSpec[]): ModelSpec[] {
  return setup.full
    ? [...models]
    : models.filter(
        (model) => model.task === 'text-generation' && PARTIAL_SETUP_DTYPES.includes(model.dtype),
      );
}

/** What the page runs a model with under `setup`. */
export const configurationOf = (setup: Setup, spec: ModelSpec): Configuration => ({
  spec,
  backend: setup.backend,
  threads: setup.threads,
});
