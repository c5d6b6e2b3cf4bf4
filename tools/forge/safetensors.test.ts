import { describe, expect, it } from 'vitest';
import { elementsOf, headerLength, parseHeader } from '../../src/lib/safetensors.ts';
import { buildPresetModel, parameterCount } from './buildModel.ts';
import { getPreset } from './presets.ts';
import { safetensorsOf } from './safetensors.ts';

describe.each(['tiny-chat', 'tiny-embed'])('model.safetensors of forged %s', (name) => {
  const preset = getPreset(name);
  const bytes = safetensorsOf(buildPresetModel(preset));
  const length = headerLength(bytes.subarray(0, 8));
  const tensors = parseHeader(bytes.subarray(8, 8 + length));

  it('holds every parameter once, in a header the app reads', () => {
    expect(tensors.reduce((sum, tensor) => sum + elementsOf(tensor.shape), 0)).toBe(parameterCount(preset));
    expect((8 + length) % 8).toBe(0);
    expect(
      tensors.every((tensor) => tensor.dtype === 'F32' && tensor.bytes === elementsOf(tensor.shape) * 4),
    ).toBe(true);
    expect(bytes.length).toBe(8 + length + tensors.reduce((sum, tensor) => sum + tensor.bytes, 0));
  });

  it('stores linear weights as torch does, [out, in]', () => {
    const query = tensors.find((tensor) => /layers?\.0\..*q(uery|_proj)\.weight$/.test(tensor.name));
    expect(query?.shape).toEqual([
      preset.model.numHeads *
        (preset.kind === 'decoder' ? preset.model.headDim : preset.model.hiddenSize / preset.model.numHeads),
      preset.model.hiddenSize,
    ]);
  });
});
