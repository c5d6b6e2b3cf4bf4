/**
 * The ONNX graph of a preset at each dtype: the fp32 graph built from the preset's architecture and seed,
 * and its siblings derived from it: q8 and q4 quantized from fp32, fp16 converted from fp32, and q4f16
 * quantized from fp16 (as Transformers.js' export scripts make it: 4-bit MatMuls in a float16 graph).
 */
import { buildDecoder, decoderParameterCount } from './decoder.ts';
import { buildEncoder, encoderParameterCount } from './encoder.ts';
import { convertToFloat16 } from './float16.ts';
import type { OnnxModel } from './onnx/graph.ts';
import type { ForgedDtype, Preset } from './presets.ts';
import { quantizeModel } from './quantize.ts';

/** The fp32 graph of a preset: the starting point of every dtype. */
export function buildPresetModel(preset: Preset): OnnxModel {
  return preset.kind === 'decoder'
    ? buildDecoder(preset.model, preset.seed)
    : buildEncoder(preset.model, preset.seed);
}

/**
 * A function giving the graph of each dtype derived from `fp32`, which converts to float16 once however
 * many dtypes ask for it.
 *
 *   const graphOf = presetDtypes(buildPresetModel(preset));
 *   graphOf('q4f16'); // MatMulNBits with float16 scales, in the graph graphOf('fp16') returns
 */
export function presetDtypes(fp32: OnnxModel): (dtype: ForgedDtype) => OnnxModel {
  let fp16: OnnxModel | undefined;
  const half = (): OnnxModel => (fp16 ??= convertToFloat16(fp32));
  return (dtype) => {
    switch (dtype) {
      case 'fp32':
        return fp32;
      case 'fp16':
        return half();
      case 'q8':
      case 'q4':
        return quantizeModel(fp32, dtype);
      case 'q4f16':
        return quantizeModel(half(), 'q4');
    }
  };
}

/** The graph of a preset at one dtype (derived from the fp32 graph when asked). */
export function buildPresetDtype(fp32: OnnxModel, dtype: ForgedDtype): OnnxModel {
  return presetDtypes(fp32)(dtype);
}

export function parameterCount(preset: Preset): number {
  return preset.kind === 'decoder'
    ? decoderParameterCount(preset.model)
    : encoderParameterCount(preset.model);
}
