import { describe, expect, it } from 'vitest';
import { autoBackend, autoBackendLabel } from './backend.ts';
import type { WebGpuAdapterInfo } from './protocol.ts';

const gpu: WebGpuAdapterInfo = {
  vendor: 'nvidia',
  architecture: 'ampere',
  description: '',
  isFallback: false,
  features: [],
  maxBufferSize: 2 ** 31,
  maxStorageBufferBindingSize: 2 ** 30,
};
const software: WebGpuAdapterInfo = {
  ...gpu,
  vendor: 'google',
  architecture: 'swiftshader',
  isFallback: true,
};

describe('autoBackend', () => {
  it('takes WebGPU on a hardware adapter', () => {
    expect(autoBackend({ webgpu: gpu })).toEqual({ backend: 'webgpu', reason: null });
    expect(autoBackendLabel({ webgpu: gpu })).toBe('Auto (WebGPU)');
  });

  it('takes WASM, and says why, when the only WebGPU adapter is software', () => {
    expect(autoBackend({ webgpu: software })).toEqual({
      backend: 'wasm',
      reason: 'the only WebGPU adapter is software',
    });
    expect(autoBackendLabel({ webgpu: software })).toBe('Auto (WASM: the only WebGPU adapter is software)');
  });

  it('takes WASM without WebGPU, and names no backend before the device is probed', () => {
    expect(autoBackend({ webgpu: null })).toEqual({ backend: 'wasm', reason: null });
    expect(autoBackendLabel({ webgpu: null })).toBe('Auto (WASM)');
    expect(autoBackendLabel(null)).toBe('Auto');
  });
});
