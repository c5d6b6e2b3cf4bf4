import { describe, expect, it } from 'vitest';
import type { BackendCapabilities } from '../engine/protocol.ts';
import { assessFit } from './capability.ts';

const cpuOnly: BackendCapabilities = {
  webgpu: null,
  webgpuUnavailableReason: 'no adapter',
  crossOriginIsolated: true,
  wasmThreads: 4,
  runtimeBuild: 'jspi',
  hardwareConcurrency: 8,
  deviceMemoryGb: 8,
};
const gpu: BackendCapabilities = {
  ...cpuOnly,
  webgpu: {
    vendor: 'nvidia',
    architecture: 'ampere',
    description: '',
    isFallback: false,
    features: ['shader-f16'],
    maxBufferSize: 4e9,
    maxStorageBufferBindingSize: 2e9,
  },
};

describe('assessFit', () => {
  it('recommends WASM and the smallest integer format that fits its memory budget as it runs on a CPU-only device', () => {
    expect(
      assessFit({ sizes: { fp32: 654e6, q4: 200e6 }, capabilities: cpuOnly, freeStorage: 10e9 }),
    ).toEqual({
      backend: 'wasm',
      dtype: 'q4',
      runsAs: 'int8',
      weights: { bytes: 400e6, exact: false },
      warnings: [],
    });
    const big = assessFit({
      sizes: { fp32: 6.8e9, q8: 1.7e9, q4: 1.4e9 },
      capabilities: cpuOnly,
      freeStorage: 20e9,
    });
    expect(big.dtype).toBe('q8');
  });

  it('recommends WebGPU with q4 on a real GPU, and follows the catalog when it says otherwise', () => {
    expect(assessFit({ sizes: { fp32: 654e6, q4: 200e6 }, capabilities: gpu, freeStorage: 10e9 }).dtype).toBe(
      'q4',
    );
    expect(
      assessFit({
        sizes: { fp32: 654e6, q4: 200e6 },
        capabilities: gpu,
        freeStorage: 10e9,
        recommended: { webgpu: 'fp32' },
      }).dtype,
    ).toBe('fp32');
  });

  it('prefers WASM over a software WebGPU adapter and says why', () => {
    const swiftshader = { ...gpu, webgpu: { ...gpu.webgpu!, architecture: 'swiftshader', isFallback: true } };
    const fit = assessFit({ sizes: { fp32: 1e6 }, capabilities: swiftshader, freeStorage: null });
    expect(fit.backend).toBe('wasm');
    expect(fit.warnings.join()).toContain('software');
  });

  it('warns when the download would not fit the storage quota, the GPU buffer or the memory', () => {
    const fit = assessFit({
      sizes: { fp32: 5e9 },
      capabilities: { ...gpu, deviceMemoryGb: 4 },
      freeStorage: 1e9,
    });
    expect(fit.warnings).toEqual([
      'It needs 5.00 GB of storage but the browser grants only 1.00 GB more.',
      "Its weights (5.00 GB) exceed the GPU's largest buffer (4.00 GB).",
      'This device reports about 4 GB of memory: a 5.00 GB model may not fit.',
    ]);
  });

  it('says so when no loadable format exists, and when WASM runs single-threaded', () => {
    const fit = assessFit({
      sizes: {},
      capabilities: { ...cpuOnly, crossOriginIsolated: false },
      freeStorage: null,
    });
    expect(fit.dtype).toBeNull();
    expect(fit.warnings).toHaveLength(2);
    const tooLarge = assessFit({ sizes: { fp32: 6e9, q4: 1.5e9 }, capabilities: cpuOnly, freeStorage: null });
    expect(tooLarge.dtype).toBeNull();
    expect(tooLarge.warnings).toEqual([
      "Even its smallest weights (q4, up to 3.00 GB as they run on WASM) will likely not fit in WASM's 4 GB memory with their activations: it needs a device with WebGPU.",
    ]);
  });
});
