/**
 * Transformers.js and ONNX Runtime as the engine worker sets them up, before any model is read: WASM files
 * from our own build (never a CDN), the thread count, and model files from the device's store; and the
 * runtime's start (`startRuntime`), which a load begins before it reads any file.
 *
 * Part of the engine worker: may import transformers.js, never UI modules.
 */
import { env } from '@huggingface/transformers';
// Served from our own build: transformers.js would otherwise fetch them from a CDN.
import asyncifyFactoryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import asyncifyWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import jspiFactoryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jspi.mjs?url';
import jspiWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jspi.wasm?url';
// The JavaScript Transformers.js imports itself: one ONNX Runtime in the worker, started once.
import { InferenceSession } from 'onnxruntime-web/webgpu';
import { trimHost } from '../../core/hosts.ts';
import { runtimeBuildFor, type RuntimeBuild } from '../../core/runtimeBuild.ts';
import { MAX_WASM_THREADS } from '../../core/settings.ts';
import { encode, message, stringField, varintField } from '../../lib/onnx/wire.ts';
import { storeFetch } from './files.ts';

const absolute = (url: string) => new URL(url, self.location.href).href;

/** Set by the client in the worker's name (`threads=1`); otherwise every core, up to MAX_WASM_THREADS. */
const pinnedThreads = Number(/\bthreads=(\d+)/.exec(self.name)?.[1] ?? 0);

/** WASM threads of this worker: without cross-origin isolation there is no SharedArrayBuffer, so one. */
export const wasmThreads = self.crossOriginIsolated
  ? Math.max(1, Math.min(pinnedThreads || navigator.hardwareConcurrency || 1, MAX_WASM_THREADS))
  : 1;

/**
 * The WebAssembly this worker runs (core/runtimeBuild.ts): JSPI's where the browser has it. The JavaScript
 * of `onnxruntime-web/webgpu` drives either; it differs from the JSPI bundle's only in checking for JSPI.
 */
export const runtimeBuild: RuntimeBuild = runtimeBuildFor(WebAssembly);

const RUNTIME_FILES: Record<RuntimeBuild, { mjs: string; wasm: string }> = {
  jspi: { mjs: jspiFactoryUrl, wasm: jspiWasmUrl },
  asyncify: { mjs: asyncifyFactoryUrl, wasm: asyncifyWasmUrl },
};

const onnxEnv = env.backends.onnx;
if (onnxEnv.wasm) {
  const files = RUNTIME_FILES[runtimeBuild];
  onnxEnv.wasm.wasmPaths = { mjs: absolute(files.mjs), wasm: absolute(files.wasm) };
  onnxEnv.wasm.numThreads = wasmThreads;
}
env.allowLocalModels = false;
env.allowRemoteModels = true;
// Model files come from our own store (verified, resumable, one copy on the device), not transformers.js' cache.
env.useBrowserCache = false;
env.useCustomCache = false;
// The service worker already keeps ONNX Runtime's files; transformers.js' wasm cache would re-import the
// factory from a blob: URL, which the Content Security Policy (script-src 'self') rightly refuses.
env.useWasmCache = false;
env.fetch = storeFetch;
env.remotePathTemplate = '{model}/resolve/{revision}/';

/**
 * Points transformers.js at `host`. It builds file URLs from this one global, so every caller sets it
 * inside the load queue (scheduling.ts), right before it plans or reads files.
 */
export function useHost(host: string): void {
  env.remoteHost = `${trimHost(host)}/`;
}

/** `y = Identity(x)` on one float: the smallest graph ONNX Runtime builds a session of. */
function identityGraph(): Promise<Uint8Array> {
  const oneFloat = (name: string, field: number) =>
    message(field, [
      stringField(1, name),
      // type.tensor_type: elem_type float, shape [1]
      message(2, [message(1, [varintField(1, 1), message(2, [message(1, [varintField(1, 1)])])])]),
    ]);
  return encode([
    varintField(1, 8), // ir_version
    message(8, [varintField(2, 17)]), // opset_import: the default domain at 17
    message(7, [
      message(1, [stringField(1, 'x'), stringField(2, 'y'), stringField(4, 'Identity')]),
      stringField(2, 'start'),
      oneFloat('x', 11),
      oneFloat('y', 12),
    ]),
  ]);
}

let runtimeStart: Promise<void> | null = null;

/**
 * Starts ONNX Runtime once per worker: fetching and compiling its WebAssembly (17 MB in the JSPI build),
 * instantiating it, its static set-up and its threads took about 0.4 s on two cores (0.9 to 2.8 s with the
 * Asyncify build; the compile is longest before the browser has cached its code). A load starts it first
 * and checks and reads its files meanwhile; the runtime only starts through a session, so it builds one of
 * a one-node graph and lets it go.
 *
 * No model session may be created before this settles: ONNX Runtime refuses a second start while one is
 * under way (a WebGPU session's would be one), and one session creation at a time is all its build allows
 * (Transformers.js chains its own for that reason). A failed start fails every later one in this worker,
 * as ONNX Runtime's own does.
 */
export function startRuntime(): Promise<void> {
  if (!runtimeStart) {
    runtimeStart = identityGraph()
      .then((graph) => InferenceSession.create(graph, { executionProviders: ['wasm'] }))
      .then((session) => session.release());
    // Reported by the load that waits for it, not as an unhandled rejection of the worker.
    runtimeStart.catch(() => {});
  }
  return runtimeStart;
}

interface LosableDevice {
  lost: Promise<{ reason: string; message: string }>;
}

let watchingDevice = false;

/**
 * Watches the GPU device ONNX Runtime created (once it has one): a lost device (a driver reset, the GPU
 * process restarted, the laptop's GPU switched) fails every later run. The worker then ends itself with
 * an uncaught error, so the page replaces it and the models load again (lib/workerRpc.ts), instead of
 * recognising the failure by a runtime's message text.
 */
export function watchGpuDevice(): void {
  const device = (onnxEnv as { webgpu?: { device?: unknown } }).webgpu?.device;
  if (watchingDevice || !device) return;
  watchingDevice = true;
  void Promise.resolve(device as LosableDevice | Promise<LosableDevice>)
    .then((gpu) => gpu.lost)
    .then(({ reason, message }) => {
      setTimeout(() => {
        throw new Error(`the GPU device was lost: ${message || reason}`);
      });
    });
}
