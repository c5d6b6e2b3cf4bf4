import { describe, expect, it } from 'vitest';
import { isOtherBuildsFile, runtimeBuildFor } from './runtimeBuild.ts';

describe('runtimeBuildFor', () => {
  it('takes the JSPI build where WebAssembly can suspend, Asyncify elsewhere', () => {
    expect(runtimeBuildFor({ Suspending: class {}, promising: () => {} })).toBe('jspi');
    expect(runtimeBuildFor({ Module: class {} })).toBe('asyncify');
  });
});

describe('isOtherBuildsFile', () => {
  const files = [
    'assets/ort-wasm-simd-threaded.jspi-CxOG5pUO.wasm',
    'assets/ort-wasm-simd-threaded.jspi-DXIbolS2.mjs',
    'assets/ort-wasm-simd-threaded.asyncify-Bd1x0TQa.wasm',
    'assets/ort-wasm-simd-threaded.asyncify-Q3rP1Kd2.mjs',
    'assets/worker-QJZUv4Dg.js',
    'index.html',
  ];

  it("leaves out the other build's factory and WebAssembly, and nothing else", () => {
    expect(files.filter((url) => isOtherBuildsFile(url, 'jspi'))).toEqual(files.slice(2, 4));
    expect(files.filter((url) => isOtherBuildsFile(url, 'asyncify'))).toEqual(files.slice(0, 2));
  });
});
