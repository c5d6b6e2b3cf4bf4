import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { GenerationStats } from '../engine/protocol.ts';
import { expectedSpeed, readDecodeSpeeds, recordDecodeSpeed, type MeasuredSpeed } from './measuredSpeeds.ts';

const KEY = 'glassbox.decodeSpeeds.v1';
const stored = new Map<string, string>();
beforeEach(() => {
  stored.clear();
  vi.stubGlobal('localStorage', {
    getItem: (key: string) => stored.get(key) ?? null,
    setItem: (key: string, value: string) => void stored.set(key, value),
  });
});

const stats = (decodeTokensPerSecond: number, over: Partial<GenerationStats> = {}): GenerationStats => ({
  promptTokens: 20,
  reusedPromptTokens: 0,
  droppedMessages: 0,
  generatedTokens: 64,
  timeToFirstTokenMs: 100,
  prefillTokensPerSecond: 200,
  totalMs: 3000,
  decodeTokensPerSecond,
  backend: 'wasm',
  dtype: 'q4',
  ...over,
});

describe('measured decode speeds', () => {
  it('keeps the last five replies per model and form, and gives their median', () => {
    for (const rate of [5, 30, 20, 21, 22, 19]) recordDecodeSpeed('org/a', stats(rate), 2);
    recordDecodeSpeed('org/a', stats(9, { dtype: 'fp32' }), 2);
    recordDecodeSpeed('org/a', stats(99, { generatedTokens: 15 }), 2); // too short to time
    expect(readDecodeSpeeds()).toEqual([
      { id: 'org/a', backend: 'wasm', dtype: 'q4', threads: 2, tokensPerSecond: 21, replies: 5 },
      { id: 'org/a', backend: 'wasm', dtype: 'fp32', threads: 2, tokensPerSecond: 9, replies: 1 },
    ]);
  });

  it('reads what it did not write with care: drops samples that fail the check, and survives junk', () => {
    stored.set(
      KEY,
      JSON.stringify([
        { id: 'org/a', backend: 'wasm', dtype: 'q4', threads: 2, tokensPerSecond: 12 },
        { id: 'org/a', backend: 'wasm', dtype: 'q4', threads: 2, tokensPerSecond: -1 },
        { id: 'org/a', backend: 'cuda', dtype: 'q4', threads: 2, tokensPerSecond: 12 },
        { id: '', backend: 'wasm', dtype: 'q4', threads: 2, tokensPerSecond: 12 },
        'text',
      ]),
    );
    expect(readDecodeSpeeds().map((speed) => speed.tokensPerSecond)).toEqual([12]);
    for (const junk of ['{', '{"a":1}', 'null']) {
      stored.set(KEY, junk);
      expect(readDecodeSpeeds()).toEqual([]);
    }
  });
});

describe('expected speed', () => {
  const measured: MeasuredSpeed[] = [
    { id: 'org/small', backend: 'wasm', dtype: 'q4', threads: 2, tokensPerSecond: 40, replies: 3 },
    { id: 'org/mid', backend: 'wasm', dtype: 'q8', threads: 2, tokensPerSecond: 20, replies: 2 },
    { id: 'org/fp', backend: 'wasm', dtype: 'fp32', threads: 2, tokensPerSecond: 50, replies: 1 },
  ];
  const parameters: Record<string, number> = { 'org/small': 100e6, 'org/mid': 300e6, 'org/fp': 100e6 };
  const parametersOf = (id: string) => parameters[id] ?? null;

  it('is the model’s own measurement in that form where there is one', () => {
    const own = expectedSpeed(
      { id: 'org/mid', parameters: 300e6, backend: 'wasm', dtype: 'q8' },
      measured,
      parametersOf,
    );
    expect(own).toMatchObject({ tokensPerSecond: 20, scaled: false });
  });

  it('else scales the nearest-sized model that computes the same way by parameter count', () => {
    // q4f16 runs as int8 on WASM like q4 and q8; the nearest in size to 600 M is the 300 M one.
    const scaled = expectedSpeed(
      { id: 'org/big', parameters: 600e6, backend: 'wasm', dtype: 'q4f16' },
      measured,
      parametersOf,
    );
    expect(scaled).toMatchObject({ tokensPerSecond: 10, scaled: true, from: { id: 'org/mid' } });
    // fp16 runs as fp32: only the fp32 measurement counts.
    const float = expectedSpeed(
      { id: 'org/big', parameters: 200e6, backend: 'wasm', dtype: 'fp16' },
      measured,
      parametersOf,
    );
    expect(float).toMatchObject({ tokensPerSecond: 25, from: { id: 'org/fp' } });
  });

  it('is unknown without a parameter count or a measurement of the same backend and form', () => {
    expect(
      expectedSpeed({ id: 'org/x', parameters: null, backend: 'wasm', dtype: 'q4' }, measured, parametersOf),
    ).toBeNull();
    expect(
      expectedSpeed({ id: 'org/x', parameters: 1e8, backend: 'webgpu', dtype: 'q4' }, measured, parametersOf),
    ).toBeNull();
  });
});
