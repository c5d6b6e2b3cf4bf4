import { describe, expect, it } from 'vitest';
import { buildPresetDtype, buildPresetModel, parameterCount } from '../../../tools/forge/buildModel.ts';
import { configJson } from '../../../tools/forge/configFiles.ts';
import { TENSOR_DATA_TYPES } from '../../../tools/forge/onnx/graph.ts';
import { encodeModel } from '../../../tools/forge/onnx/proto.ts';
import { getPreset } from '../../../tools/forge/presets.ts';
import { countParameters } from './parameters.ts';
import { summarizeOnnx } from './summary.ts';

describe.each(['tiny-chat', 'tiny-embed'])('the ONNX reader on forged %s', (name) => {
  const preset = getPreset(name);
  const fp32 = buildPresetModel(preset);
  const tiedEmbeddings = configJson(preset)['tie_word_embeddings'] === true;

  it.each(['fp32', 'q8', 'q4'] as const)(
    'reads %s initializers with the shapes and dtypes the forge wrote',
    (dtype) => {
      const model = buildPresetDtype(fp32, dtype);
      const summary = summarizeOnnx(encodeModel(model).onnx);
      expect(
        summary.initializers.map(({ name: tensor, dims, dtype: type }) => ({ tensor, dims, type })),
      ).toEqual(
        model.graph.initializers.map((tensor) => ({
          tensor: tensor.name,
          dims: [...tensor.dims],
          type: tensor.dtype,
        })),
      );
      expect(summary.nodes.map((node) => node.opType)).toEqual(model.graph.nodes.map((node) => node.opType));
      expect(summary.inputs.map((input) => input.name)).toEqual(
        model.graph.inputs.map((input) => input.name),
      );
    },
  );

  it.each(['fp32', 'q8', 'q4'] as const)(
    'counts the true parameters of %s weights as the forge defines them',
    (dtype) => {
      const summary = summarizeOnnx(encodeModel(buildPresetDtype(fp32, dtype)).onnx);
      expect(countParameters(summary, { tiedEmbeddings }).total).toBe(parameterCount(preset));
    },
  );
});

describe('summarizeOnnx', () => {
  it('says plainly when a file is not an ONNX model', () => {
    expect(() => summarizeOnnx(new TextEncoder().encode('{"model_type": "llama"}'))).toThrow(
      /not (a readable ONNX model|an ONNX model)/,
    );
  });
  it('knows the ONNX data type codes the forge writes', () => {
    expect(TENSOR_DATA_TYPES).toMatchObject({ float32: 1, uint8: 2, int8: 3, int64: 7 });
  });
});
