import { describe, expect, it } from 'vitest';
import type { WebGpuAdapterInfo } from '../src/engine/protocol.ts';
import { benchModels } from './models.ts';
import { modelsFor, setupsFor } from './setups.ts';

const gpu = (isFallback: boolean) => ({ vendor: 'v', architecture: 'a', isFallback }) as WebGpuAdapterInfo;
const labels = (setups: { label: string }[]) => setups.map((setup) => setup.label);

describe('bench setups', () => {
  it('measures WASM on one thread and on all, and a real GPU, never a software one', () => {
    expect(labels(setupsFor({ wasmThreads: 4, webgpu: gpu(false) }, null))).toEqual([
      'wasm ×1',
      'wasm ×4',
      'webgpu',
    ]);
    expect(labels(setupsFor({ wasmThreads: 4, webgpu: gpu(true) }, null))).toEqual(['wasm ×1', 'wasm ×4']);
  });

  it('measures everything on one thread only where that is all the threads there are', () => {
    expect(setupsFor({ wasmThreads: 1, webgpu: null }, null)).toEqual([
      { backend: 'wasm', threads: 1, label: 'wasm ×1', full: true },
    ]);
    expect(setupsFor({ wasmThreads: 2, webgpu: null }, null)[0]?.full).toBe(false);
  });

  it('keeps only WASM with the thread count of a partial run', () => {
    expect(labels(setupsFor({ wasmThreads: 2, webgpu: gpu(false) }, 2))).toEqual(['wasm ×2']);
    expect(labels(setupsFor({ wasmThreads: 2, webgpu: gpu(false) }, 3))).toEqual([]);
  });

  it('has a partial setup measure chat at fp32, q8 and q4f16 only, a full one every model', () => {
    const models = benchModels('http://mirror', null);
    const [one, all] = setupsFor({ wasmThreads: 2, webgpu: null }, null);
    const names = (specs: { id: string; dtype: string }[]) => specs.map((s) => `${s.id} ${s.dtype}`);
    expect(names(modelsFor(one!, models))).toEqual([
      'glassbox/smollm2-135m-shaped fp32',
      'glassbox/smollm2-135m-shaped q8',
      'glassbox/smollm2-135m-shaped q4f16',
    ]);
    expect(names(modelsFor(all!, models))).toEqual([
      'glassbox/smollm2-135m-shaped fp32',
      'glassbox/smollm2-135m-shaped fp16',
      'glassbox/smollm2-135m-shaped q8',
      'glassbox/smollm2-135m-shaped q4',
      'glassbox/smollm2-135m-shaped q4f16',
      'glassbox/minilm-l6-shaped fp32',
      'glassbox/minilm-l6-shaped q8',
    ]);
    expect(names(benchModels('http://mirror', ['q8']))).toEqual([
      'glassbox/smollm2-135m-shaped q8',
      'glassbox/minilm-l6-shaped q8',
    ]);
  });
});
