/**
 * Which backend `Auto` takes on this device, and why, in words. One rule for the engine worker (which
 * loads on it), the Backend menu (which names it) and the Models page's advice (which recommends it).
 *
 *   autoBackend({ webgpu: { architecture: 'swiftshader', isFallback: true, … } })
 *   // → { backend: 'wasm', reason: 'the only WebGPU adapter is software' }
 */
import type { Backend } from '../core/model.ts';
import type { BackendCapabilities } from './protocol.ts';

export interface AutoBackend {
  backend: Backend;
  /** Why Auto passes over WebGPU although the browser has it; null when it does not. */
  reason: string | null;
}

export function autoBackend({ webgpu }: Pick<BackendCapabilities, 'webgpu'>): AutoBackend {
  if (!webgpu) return { backend: 'wasm', reason: null };
  // A software adapter (SwiftShader) is correct but several times slower than WASM on the same CPU.
  if (webgpu.isFallback) return { backend: 'wasm', reason: 'the only WebGPU adapter is software' };
  return { backend: 'webgpu', reason: null };
}

/** The Backend menu's words for Auto: the backend it takes here, and why when that may surprise. */
export function autoBackendLabel(capabilities: Pick<BackendCapabilities, 'webgpu'> | null): string {
  if (!capabilities) return 'Auto';
  const { backend, reason } = autoBackend(capabilities);
  const name = backend === 'webgpu' ? 'WebGPU' : 'WASM';
  return `Auto (${reason ? `${name}: ${reason}` : name})`;
}

/**
 * Whether `backend` runs float16 math here: WebGPU only on an adapter with `shader-f16` (Transformers.js
 * refuses fp16 weights elsewhere); WASM runs float16 graphs as float32.
 */
export function runsFloat16(
  backend: Backend,
  capabilities: Pick<BackendCapabilities, 'webgpu'> | null,
): boolean {
  return backend === 'wasm' || (capabilities?.webgpu?.features.includes('shader-f16') ?? false);
}
