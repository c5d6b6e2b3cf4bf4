/** What this device offers a model: WebGPU and its limits, WASM threads, ONNX Runtime's build, memory. */
import { formatBytes, plural } from '../lib/format.ts';
import { useAppStore } from '../session/store.ts';
import { Term } from '../ui/Term.tsx';

export function DeviceCard() {
  const capabilities = useAppStore((state) => state.capabilities);
  if (!capabilities) return <p className="muted">Checking this device…</p>;
  const gpu = capabilities.webgpu;
  return (
    <dl className="kv-list" aria-label="This device">
      <dt>
        <Term id="webgpu" />
      </dt>
      <dd data-testid="device-webgpu">
        {gpu
          ? `${gpu.vendor || 'GPU'} ${gpu.architecture}${gpu.isFallback ? ' (software)' : ''} · largest buffer ${formatBytes(gpu.maxBufferSize)} · storage binding ${formatBytes(gpu.maxStorageBufferBindingSize)} · shader-f16 ${gpu.features.includes('shader-f16') ? 'yes' : 'no'}`
          : (capabilities.webgpuUnavailableReason ?? 'unavailable')}
      </dd>
      <dt>
        <Term id="wasm" />
      </dt>
      <dd>
        <Term id="threads">{plural(capabilities.wasmThreads, 'thread')}</Term> of{' '}
        {capabilities.hardwareConcurrency} cores
        {capabilities.crossOriginIsolated ? '' : ' (not cross-origin isolated: 1 thread)'}
      </dd>
      <dt>Runtime</dt>
      <dd data-testid="device-runtime">
        {capabilities.runtimeBuild === 'jspi'
          ? 'ONNX Runtime’s JSPI build: this browser lets WebAssembly wait for the GPU itself, so models load faster'
          : 'ONNX Runtime’s Asyncify build: this browser lacks JSPI (WebAssembly waiting for the GPU), so building a model takes about twice as long as in Chromium'}
      </dd>
      <dt>Memory</dt>
      <dd>
        {capabilities.deviceMemoryGb === null ? 'not reported' : `about ${capabilities.deviceMemoryGb} GB`}
      </dd>
    </dl>
  );
}
