/**
 * The capability check before a download: which backend and dtype this device should use for a
 * model, and what will likely not fit (storage quota, WASM's 4 GiB memory, GPU buffer limits, RAM).
 *
 *   assessFit({ sizes: { fp32: 654e6, q4: 200e6 }, capabilities, freeStorage: 5e9 })
 *   // → { backend: 'webgpu', dtype: 'q4', runsAs: null, weights: { bytes: 200e6, exact: true }, warnings: [] }
 */
import type { Backend, Dtype } from '../core/model.ts';
import { cpuTarget, weightsInTab } from '../core/runningForm.ts';
import { autoBackend, runsFloat16 } from '../engine/backend.ts';
import type { BackendCapabilities } from '../engine/protocol.ts';
import { WASM_WEIGHT_BUDGET, chooseDtype } from '../hub/catalog.ts';
import type { RewriteTarget } from '../lib/onnx/rewrite.ts';

export interface FitInput {
  /** Download size per loadable dtype (null: size unknown). */
  sizes: Partial<Record<Dtype, number | null>>;
  capabilities: BackendCapabilities;
  /** Bytes the browser still grants this site, null when unknown. */
  freeStorage: number | null;
  /** The catalog's recommendation per backend, when the model is in the catalog. */
  recommended?: Partial<Record<Backend, Dtype | null>>;
}

export interface FitAssessment {
  backend: Backend;
  dtype: Dtype | null;
  /** What `dtype` runs as on `backend` where the engine rewrites it (on WASM: 4-bit as int8, fp16 as fp32). */
  runsAs: RewriteTarget | null;
  /** The recommended download's weights in the tab's memory as they run (`exact` false: an upper bound). */
  weights: { bytes: number; exact: boolean } | null;
  warnings: string[];
}

const GB = 1e9;

function show(bytes: number): string {
  return bytes >= GB ? `${(bytes / GB).toFixed(2)} GB` : `${Math.ceil(bytes / 1e6)} MB`;
}

export function assessFit({ sizes, capabilities, freeStorage, recommended }: FitInput): FitAssessment {
  const gpu = capabilities.webgpu;
  const { backend } = autoBackend(capabilities);
  const float16 = runsFloat16(backend, capabilities);
  const dtype = chooseDtype(backend, sizes, recommended?.[backend] ?? null, float16);
  const warnings: string[] = [];
  const size = dtype ? (sizes[dtype] ?? null) : null;
  const runsAs = dtype && backend === 'wasm' ? cpuTarget(dtype) : null;
  const weights = dtype && size !== null ? weightsInTab(dtype, backend, size) : null;
  if (!dtype) warnings.push(noDtypeWarning(sizes, backend, float16));
  if (gpu?.isFallback) {
    warnings.push(
      `The only WebGPU adapter is a software one (${gpu.architecture || gpu.vendor}): WASM is faster here.`,
    );
  }
  if (!capabilities.crossOriginIsolated) {
    warnings.push('The page is not cross-origin isolated, so WASM runs on 1 thread: expect slower replies.');
  }
  if (size !== null) {
    if (freeStorage !== null && size > freeStorage) {
      warnings.push(
        `It needs ${show(size)} of storage but the browser grants only ${show(freeStorage)} more.`,
      );
    }
    if (backend === 'wasm' && weights && weights.bytes > WASM_WEIGHT_BUDGET) {
      warnings.push(
        runsAs
          ? `Run as ${runsAs} on WASM its weights take up to ${show(weights.bytes)}: they will likely not fit in WASM's 4 GB memory with its activations.`
          : `At ${show(size)} it will likely not fit in WASM's 4 GB memory with its activations.`,
      );
    }
    if (backend === 'webgpu' && gpu && size > gpu.maxBufferSize) {
      warnings.push(
        `Its weights (${show(size)}) exceed the GPU's largest buffer (${show(gpu.maxBufferSize)}).`,
      );
    }
    const memory = capabilities.deviceMemoryGb;
    if (memory !== null && size * 2 > memory * GB) {
      warnings.push(`This device reports about ${memory} GB of memory: a ${show(size)} model may not fit.`);
    }
  }
  return { backend, dtype, runsAs, weights, warnings };
}

/** Why no format suits `backend`: float16 only on a GPU without it, none fitting WASM's memory, or none at all. */
function noDtypeWarning(sizes: FitInput['sizes'], backend: Backend, float16: boolean): string {
  const published = Object.keys(sizes) as Dtype[];
  if (published.length === 0) return 'No ONNX weights Transformers.js can load are published for this model.';
  if (backend === 'webgpu' && !float16)
    return `Its only weights are float16 (${published.join(', ')}), which this GPU cannot run (it lacks shader-f16): choose WASM.`;
  const asRun = published.map((dtype) => ({
    dtype,
    bytes: weightsInTab(dtype, backend, sizes[dtype] ?? 0).bytes,
  }));
  const smallest = asRun.sort((a, b) => a.bytes - b.bytes)[0] as { dtype: Dtype; bytes: number };
  return `Even its smallest weights (${smallest.dtype}, up to ${show(smallest.bytes)} as they run on WASM) will likely not fit in WASM's 4 GB memory with their activations: it needs a device with WebGPU.`;
}
