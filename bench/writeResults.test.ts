import { describe, expect, it } from 'vitest';
import type { BackendCapabilities } from '../src/engine/protocol.ts';
import { peerNote, reportMarkdown, summaryRows, type Machine } from './writeResults.ts';

const machine = (webgpu: BackendCapabilities['webgpu']): Machine => ({
  cpu: 'AMD EPYC',
  cores: 2,
  memoryGb: 25,
  os: 'linux 6',
  node: 'v20',
  browser: 'Chromium 156',
  capabilities: {
    webgpu,
    webgpuUnavailableReason: null,
    crossOriginIsolated: true,
    wasmThreads: 2,
    runtimeBuild: 'jspi',
    hardwareConcurrency: 2,
    deviceMemoryGb: null,
  },
});
const swiftshader = {
  vendor: 'google',
  architecture: 'swiftshader',
  description: '',
  isFallback: true,
  features: [],
  maxBufferSize: 0,
  maxStorageBufferBindingSize: 0,
};

describe('bench results', () => {
  it('ends the rows with the initial JS size in KB', () => {
    expect(summaryRows([], 181_500)).toEqual([
      expect.objectContaining({ metric: 'initial JS (gzip)', backend: '—', app: 181.5, native: null }),
    ]);
  });

  it('heads the report with the date, machine, browser, WebGPU adapter, runs and minutes', () => {
    const report = (webgpu: BackendCapabilities['webgpu']) =>
      reportMarkdown({
        date: new Date('2026-11-23T17:01:26Z'),
        machine: machine(webgpu),
        runs: 3,
        minutes: 13.94,
        rows: summaryRows([], 181_500),
        initialJs: 181_500,
        peer: null,
      }).split('\n');
    expect(report(swiftshader).slice(0, 3)).toEqual([
      '# Glassbox benchmark',
      '',
      '2026-11-23 · AMD EPYC (2 cores, 25 GB) · Chromium 156 · ONNX Runtime build: jspi · WebGPU: google swiftshader (software: not measured) · median of 3 runs after a warm-up · 13.9 minutes',
    ]);
    expect(report(null)[2]).toContain('· WebGPU: none ·');
    expect(report(null)).toContain('## Targets');
  });

  it('says under the table what the wllama columns are, when the peer ran', () => {
    const report = (peer: string | null) =>
      reportMarkdown({
        date: new Date('2026-11-23T17:01:26Z'),
        machine: machine(null),
        runs: 3,
        minutes: 13.94,
        rows: summaryRows([], 181_500),
        initialJs: 181_500,
        peer,
      });
    const peer = '@wllama/wllama 2.4.0 (llama.cpp b8948-42401c7)';
    expect(report(peer)).toContain(`\n${peerNote(peer)}\n\n## Targets`);
    expect(peerNote(peer)).toMatch(
      /^wllama: @wllama\/wllama 2\.4\.0 \(llama\.cpp b8948-42401c7\) in the same Chromium/,
    );
    expect(report(null)).not.toContain('wllama:');
  });
});
