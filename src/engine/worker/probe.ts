/**
 * What this device offers the engine: a WebGPU adapter (and why not, when there is none), cross-origin
 * isolation, threads and memory; and the backend a load runs on for the user's choice.
 *
 * Part of the engine worker; never imports UI modules.
 */
import type { Backend, BackendChoice } from '../../core/model.ts';
import { rawMessage } from '../../lib/errors.ts';
import { autoBackend } from '../backend.ts';
import { EngineError } from '../errors.ts';
import type { BackendCapabilities, WebGpuAdapterInfo } from '../protocol.ts';
import { runtimeBuild, wasmThreads } from './runtime.ts';

// Minimal WebGPU typings: lib.dom does not carry them and the probe needs four fields.
interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
  features: Iterable<string>;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

async function probeWebGpu(): Promise<{ info: WebGpuAdapterInfo | null; reason: string | null }> {
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return { info: null, reason: 'This browser has no WebGPU (navigator.gpu is missing).' };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { info: null, reason: 'WebGPU is present but no GPU adapter was granted.' };
    const info = adapter.info ?? {};
    return {
      info: {
        vendor: info.vendor ?? '',
        architecture: info.architecture ?? '',
        description: info.description ?? '',
        isFallback:
          Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) || info.architecture === 'swiftshader',
        features: [...adapter.features].sort(),
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      },
      reason: null,
    };
  } catch (error) {
    return { info: null, reason: `Requesting a WebGPU adapter failed: ${rawMessage(error)}` };
  }
}

let capabilities: Promise<BackendCapabilities> | null = null;

/** The device's capabilities, probed once per worker. */
export function probe(): Promise<BackendCapabilities> {
  capabilities ??= probeWebGpu().then(({ info, reason }) => ({
    webgpu: info,
    webgpuUnavailableReason: reason,
    crossOriginIsolated: self.crossOriginIsolated,
    wasmThreads,
    runtimeBuild,
    hardwareConcurrency: navigator.hardwareConcurrency || 1,
    deviceMemoryGb: (navigator as Navigator & { deviceMemory?: number }).deviceMemory ?? null,
  }));
  return capabilities;
}

/**
 * The backend for `choice`: `auto` follows `autoBackend` (WASM over a software adapter); an explicit
 * `webgpu` runs on any adapter, software included, and fails without one; an explicit `wasm` asks the
 * device nothing (a fresh worker's probe asks for a GPU adapter, which a WASM load does not need).
 */
export async function resolveBackend(choice: BackendChoice): Promise<Backend> {
  if (choice === 'wasm') return 'wasm';
  const capabilities = await probe();
  if (choice === 'auto') return autoBackend(capabilities).backend;
  if (choice === 'webgpu' && !capabilities.webgpu) {
    throw new EngineError(
      'backend-unavailable',
      `WebGPU was requested but is unavailable: ${capabilities.webgpuUnavailableReason ?? 'unknown reason'}. Choose WASM or Auto.`,
    );
  }
  return choice;
}
