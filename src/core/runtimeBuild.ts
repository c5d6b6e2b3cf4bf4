/**
 * Which of ONNX Runtime's WebAssembly builds a browser runs. Both hold the WASM and WebGPU execution
 * providers; they differ in how the runtime waits for the GPU's asynchronous calls. The JSPI build lets the
 * browser suspend WebAssembly (JavaScript Promise Integration, in Chromium since 137); the Asyncify build
 * rewrites the code to unwind itself, which also slows what never waits: session creation of a 250 MB q8
 * graph took 0.8 to 1.0 s with JSPI against 1.5 to 2.4 s with Asyncify, in the same Chromium.
 *
 *   runtimeBuildFor(WebAssembly) // → 'jspi' in Chromium, 'asyncify' where JSPI is missing
 */
export type RuntimeBuild = 'jspi' | 'asyncify';

export const runtimeBuildFor = (webAssembly: object): RuntimeBuild =>
  'Suspending' in webAssembly ? 'jspi' : 'asyncify';

/** Whether `url` is a file of the build this browser does not run: the service worker does not precache it. */
export function isOtherBuildsFile(url: string, build: RuntimeBuild): boolean {
  const other: RuntimeBuild = build === 'jspi' ? 'asyncify' : 'jspi';
  return url.includes(`ort-wasm-simd-threaded.${other}`);
}
