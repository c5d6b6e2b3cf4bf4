import { describe, expect, it } from 'vitest';
import { isWeightDataOf, weightFile, weightFormatOf } from './weightFiles.ts';

describe('weight files', () => {
  it('names each format’s file as Transformers.js looks it up', () => {
    expect(weightFile('fp32')).toBe('onnx/model.onnx');
    expect(weightFile('q8')).toBe('onnx/model_quantized.onnx');
    expect(weightFile('q4f16')).toBe('onnx/model_q4f16.onnx');
  });

  it('reads the format back from a graph file, and nothing from other files', () => {
    expect(weightFormatOf('onnx/model_q4.onnx')).toBe('q4');
    expect(weightFormatOf('onnx/model.onnx')).toBe('fp32');
    expect(weightFormatOf('onnx/model.onnx_data')).toBeNull();
    expect(weightFormatOf('model.onnx')).toBeNull();
  });

  it('counts external data files to their format and to no other', () => {
    expect(isWeightDataOf('onnx/model.onnx_data', 'fp32')).toBe(true);
    expect(isWeightDataOf('onnx/model.onnx_data_1', 'fp32')).toBe(true);
    expect(isWeightDataOf('onnx/model_fp16.onnx_data', 'fp32')).toBe(false);
    expect(isWeightDataOf('onnx/model_fp16.onnx_data', 'fp16')).toBe(true);
  });
});
