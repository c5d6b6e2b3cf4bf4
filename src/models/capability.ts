/**
 * The capability check before a download: which backend and dtype this device should use for a
 * model, and what will likely not fit (storage quota, WASM's 4 GiB memory, GPU buffer limits, RAM).
 *
 *   assessFit({ sizes: { fp32: 654e6, q4: 200e6 }, capabilities, freeStorage: 5e9 })
 *   // → { backend: 'webgpu', dtype: 'q4', warnings: [] }
 */
import type { Backend, Dtype, ModelTask } from '../core/model.ts';
import { autoBackend, runsFloat16 } from '../engine/backend.ts';
import type { BackendCapabilities } from '../engine/protocol.ts';
import { WASM_WEIGHT_BUDGET, chooseDtype } from '../hub/catalog.ts';

export interface FitInput {
  /** Download size per loadable dtype (null: size unknown). */
  sizes: Partial<Record<Dtype, number | null>>;
  capabilities: BackendCapabilities;
  /** Bytes the browser still grants this site, null when unknown. */
  freeStorage: number | null;
  /** The catalog's recommendation per backend, when the model is in the catalog. */
  recommended?: Partial<Record<Backend, Dtype | null>>;
  /** Decides the order of formats where there is no recommendation (see the catalog's WASM order). */
  task?: ModelTask;
}

export interface FitAssessment {
  backend: Backend;
  dtype: Dtype | null;
  warnings: string[];
}

const GB = 1e9;

function show(bytes: number): string {
  return bytes >= GB ? `${(bytes / GB).toFixed(2)} GB` : `${Math.ceil(bytes / 1e6)} MB`;
}

export function assessFit({ sizes, capabilities, freeStorage, recommended, task }: FitInput): FitAssessment {
  const gpu = capabilities.webgpu;
  const { backend } = autoBackend(capabilities);
  const float16 = runsFloat16(backend, capabilities);
  const dtype = chooseDtype(backend, sizes, recommended?.[backend] ?? null, task, float16);
  const warnings: string[] = [];
  const size = dtype ? (sizes[dtype] ?? null) : null;
  if (!dtype)
    warnings.push(
      Object.keys(sizes).length > 0 && !float16
        ? `Its only weights are float16 (${Object.keys(sizes).join(', ')}), which this GPU cannot run (it lacks shader-f16): choose WASM.`
        : 'No ONNX weights Transformers.js can load are published for this model.',
    );
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
    if (backend === 'wasm' && size > WASM_WEIGHT_BUDGET) {
      warnings.push(`At ${show(size)} it will likely not fit in WASM's 4 GB memory with its activations.`);
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
  return { backend, dtype, warnings };
}
