/**
 * The ONNX graph of a preset at each dtype: the fp32 graph built from the preset's architecture and seed,
 * and its quantized siblings derived from it.
 */
import { buildDecoder, decoderParameterCount } from './decoder.ts';
import { buildEncoder, encoderParameterCount } from './encoder.ts';
import type { OnnxModel } from './onnx/graph.ts';
import type { ForgedDtype, Preset } from './presets.ts';
import { quantizeModel } from './quantize.ts';

/** The fp32 graph of a preset: the starting point of every dtype. */
export function buildPresetModel(preset: Preset): OnnxModel {
  return preset.kind === 'decoder'
    ? buildDecoder(preset.model, preset.seed)
    : buildEncoder(preset.model, preset.seed);
}

/** The graph of a preset at a dtype (quantized from the fp32 graph when asked). */
export function buildPresetDtype(fp32: OnnxModel, dtype: ForgedDtype): OnnxModel {
  return dtype === 'fp32' ? fp32 : quantizeModel(fp32, dtype);
}

export function parameterCount(preset: Preset): number {
  return preset.kind === 'decoder'
    ? decoderParameterCount(preset.model)
    : encoderParameterCount(preset.model);
}
