import { describe, expect, it } from 'vitest';
import { buildPresetDtype, buildPresetModel } from '../../../tools/forge/buildModel.ts';
import { encodeModel } from '../../../tools/forge/onnx/proto.ts';
import { getPreset } from '../../../tools/forge/presets.ts';
import { outlineGraph } from './outline.ts';
import { summarizeOnnx } from './summary.ts';

describe.each([
  ['tiny-chat', 'layers'],
  ['tiny-embed', 'layer'],
])('the outline of forged %s', (name, prefix) => {
  const preset = getPreset(name);
  const layers = preset.model.numLayers;

  it.each(['fp32', 'q4'] as const)('%s: one block per layer, all alike, every node placed once', (dtype) => {
    const model = buildPresetDtype(buildPresetModel(preset), dtype);
    const summary = summarizeOnnx(encodeModel(model).onnx);
    const outline = outlineGraph(summary);
    expect(outline.blocks.map((block) => block.label)).toEqual(
      Array.from({ length: layers }, (_, i) => `${prefix}.${i}`),
    );
    expect(outline.uniform).toBe(true);
    const placed = [
      ...outline.items.flatMap((item) => (item.kind === 'node' ? [item.node] : [])),
      ...outline.blocks.flatMap((block) => block.nodes),
    ].sort((a, b) => a - b);
    expect(placed).toEqual(summary.nodes.map((_, index) => index));
    expect(outline.opCounts.reduce((sum, [, count]) => sum + count, 0)).toBe(summary.nodes.length);
    expect(outline.layerParts.length).toBeGreaterThan(2);
  });
});
