/**
 * config.json and generation_config.json of a preset, with the keys transformers writes for the
 * architecture the preset copies, so Transformers.js configures the model as it would a real one, and
 * the `transformers.js_config` block onnx-community repositories add (as in HuggingFaceTB/SmolLM2-1.7B-Instruct's):
 *
 *   "transformers.js_config": {
 *     "dtype": "q4f16",                                        default dtype, when the preset names one
 *     "kv_cache_dtype": { "q4f16": "float16", "fp16": "float16" },  decoders with float16 files
 *     "use_external_data_format": { "model.onnx": 2, "model_fp16.onnx": 1, … }  data files per graph file
 *   }
 *
 * Transformers.js 4.3.1 reads `dtype` and `use_external_data_format` (the number of `.onnx_data` chunks
 * to fetch beside each graph) and takes the cache's type from the graph's inputs, so `kv_cache_dtype`
 * is for older readers and for the app.
 */
import { posix } from 'node:path';
import { weightFile } from '../../src/core/weightFiles.ts';
import { isFloat16Dtype, presetNameOf, type Preset } from './presets.ts';

/** The `transformers.js_config` block, or null when a repository would have none. */
export function transformersJsConfig(preset: Preset): Record<string, unknown> | null {
  const config: Record<string, unknown> = {};
  if (preset.defaultDtype !== undefined) config['dtype'] = preset.defaultDtype;
  const float16 = preset.dtypes.filter(isFloat16Dtype).reverse();
  if (preset.kind === 'decoder' && float16.length > 0)
    config['kv_cache_dtype'] = Object.fromEntries(float16.map((d) => [d, 'float16']));
  const layout = preset.externalData;
  if (layout?.declared === true) {
    // Keyed by the graph's file name, as Transformers.js looks it up first.
    config['use_external_data_format'] = Object.fromEntries(
      preset.dtypes
        .filter((d) => layout.files[d] > 0)
        .map((d) => [posix.basename(weightFile(d)), layout.files[d]]),
    );
  }
  return Object.keys(config).length > 0 ? config : null;
}

/** config.json with the keys transformers writes for LlamaForCausalLM / BertModel. */
export function configJson(preset: Preset): Record<string, unknown> {
  const jsConfig = transformersJsConfig(preset);
  const transformersJs = jsConfig === null ? {} : { 'transformers.js_config': jsConfig };
  const forged = {
    preset: presetNameOf(preset),
    seed: preset.seed,
    note: 'random weights: shows the machinery, not language',
  };
  if (preset.kind === 'decoder') {
    const m = preset.model;
    return {
      architectures: ['LlamaForCausalLM'],
      attention_bias: false,
      attention_dropout: 0.0,
      bos_token_id: preset.tokens.bos,
      eos_token_id: preset.tokens.eos,
      head_dim: m.headDim,
      hidden_act: 'silu',
      hidden_size: m.hiddenSize,
      initializer_range: m.init.embeddingStd,
      intermediate_size: m.intermediateSize,
      max_position_embeddings: m.maxPositionEmbeddings,
      mlp_bias: false,
      model_type: 'llama',
      num_attention_heads: m.numHeads,
      num_hidden_layers: m.numLayers,
      num_key_value_heads: m.numKvHeads,
      pad_token_id: preset.tokens.pad,
      pretraining_tp: 1,
      rms_norm_eps: m.rmsNormEps,
      rope_scaling: null,
      rope_theta: m.ropeTheta,
      tie_word_embeddings: m.tieWordEmbeddings,
      torch_dtype: 'float32',
      transformers_version: '4.46.0',
      ...transformersJs,
      use_cache: true,
      vocab_size: m.vocabSize,
      glassbox_forged: forged,
    };
  }
  const m = preset.model;
  return {
    architectures: ['BertModel'],
    attention_probs_dropout_prob: 0.1,
    classifier_dropout: null,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    hidden_size: m.hiddenSize,
    initializer_range: 0.02,
    intermediate_size: m.intermediateSize,
    layer_norm_eps: m.layerNormEps,
    max_position_embeddings: m.maxPositionEmbeddings,
    model_type: 'bert',
    num_attention_heads: m.numHeads,
    num_hidden_layers: m.numLayers,
    pad_token_id: preset.tokens.pad,
    position_embedding_type: 'absolute',
    torch_dtype: 'float32',
    transformers_version: '4.46.0',
    type_vocab_size: m.typeVocabSize,
    ...transformersJs,
    use_cache: true,
    vocab_size: m.vocabSize,
    glassbox_forged: forged,
  };
}

/** generation_config.json: special ids only; no sampling defaults, so greedy stays greedy. */
export function generationConfigJson(preset: Preset): Record<string, unknown> | null {
  if (preset.kind !== 'decoder') return null;
  return {
    bos_token_id: preset.tokens.bos,
    eos_token_id: preset.tokens.eos,
    pad_token_id: preset.tokens.pad,
    transformers_version: '4.46.0',
  };
}
