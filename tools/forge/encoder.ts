/**
 * A BERT-style encoder as ONNX, shaped like Optimum's feature-extraction export of `BertModel`
 * (what sentence-transformers models such as all-MiniLM-L6-v2 ship), so Transformers.js's
 * `feature-extraction` pipeline loads it as a real BERT.
 *
 *   inputs   input_ids, attention_mask, token_type_ids [batch_size, sequence_length] int64
 *   output   last_hidden_state [batch_size, sequence_length, HIDDEN] float32
 *
 * Word + position + token-type embeddings, LayerNorm, then post-LN blocks: multi-head
 * self-attention with biases and a padding mask, residual, LayerNorm, GELU (erf) feed-forward,
 * residual, LayerNorm. Opset-17 standard ops only.
 *
 * @example
 *   const model = buildEncoder(PRESETS['tiny-embed'].model, 99);
 *   model.graph.outputs[0]; // → { name: 'last_hidden_state', dtype: 'float32', dims: ['batch_size', 'sequence_length', 64] }
 */
import { MASK_VALUE } from './decoder.ts';
import { GraphBuilder, float, type OnnxModel } from './onnx/graph.ts';
import { normalWeights } from './weights.ts';

export interface EncoderInit {
  /** Std of word embeddings; position and type embeddings use fractions of it (see below). */
  readonly wordEmbeddingStd: number;
  /** Position / word std ratio: small, so pooled vectors are driven by which words appear. */
  readonly positionRatio: number;
  readonly tokenTypeRatio: number;
  /** Multiplier on 1/√fan_in for every projection: how much attention and FFN mix tokens (0.5 keeps sentences with shared words close). */
  readonly projectionGain: number;
  /** Std of biases and LayerNorm betas, and of the noise around 1 in LayerNorm gammas. */
  readonly biasStd: number;
}

export interface EncoderConfig {
  readonly architecture: 'bert';
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly intermediateSize: number;
  readonly vocabSize: number;
  readonly maxPositionEmbeddings: number;
  readonly typeVocabSize: number;
  readonly layerNormEps: number;
  readonly init: EncoderInit;
}

export const DEFAULT_ENCODER_INIT: EncoderInit = Object.freeze({
  wordEmbeddingStd: 0.05,
  positionRatio: 0.3,
  tokenTypeRatio: 0.1,
  projectionGain: 0.5,
  biasStd: 0.02,
});

export function validateEncoderConfig(c: EncoderConfig): void {
  if (c.hiddenSize % c.numHeads !== 0) {
    throw new Error(
      `Invalid encoder config: hidden_size (${c.hiddenSize}) must be a multiple of num_attention_heads (${c.numHeads}).`,
    );
  }
}

export function buildEncoder(config: EncoderConfig, seed: number): OnnxModel {
  validateEncoderConfig(config);
  const { hiddenSize: H, numHeads: NH, intermediateSize: F, init } = config;
  const D = H / NH;
  const g = new GraphBuilder('main_graph');
  const matrix = (name: string, rows: number, cols: number, std: number): string =>
    g.initializer(name, 'float32', [rows, cols], normalWeights(seed, name, rows * cols, std));
  const vector = (name: string, size: number, mean = 0): string =>
    g.initializer(name, 'float32', [size], normalWeights(seed, name, size, init.biasStd, mean));

  const inputIds = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  const tokenTypeIds = g.input('token_type_ids', 'int64', ['batch_size', 'sequence_length']);

  const layerNorm = (x: string, prefix: string): string =>
    g.op('LayerNormalization', [x, vector(`${prefix}.weight`, H, 1), vector(`${prefix}.bias`, H)], {
      axis: -1,
      epsilon: float(config.layerNormEps),
    });
  const linear = (x: string, prefix: string, fanIn: number, fanOut: number): string =>
    g.op('Add', [
      g.op('MatMul', [x, matrix(`${prefix}.weight`, fanIn, fanOut, init.projectionGain / Math.sqrt(fanIn))]),
      vector(`${prefix}.bias`, fanOut),
    ]);

  let hidden = g.scope('/embeddings', () => {
    const words = g.op(
      'Gather',
      [matrix('embeddings.word_embeddings.weight', config.vocabSize, H, init.wordEmbeddingStd), inputIds],
      { axis: 0 },
    );
    // Positions 0..S-1 are the first S rows of the table (BERT's absolute position ids).
    const seqLen = g.op('Shape', [inputIds], { start: 1, end: 2 });
    const positionTable = matrix(
      'embeddings.position_embeddings.weight',
      config.maxPositionEmbeddings,
      H,
      init.wordEmbeddingStd * init.positionRatio,
    );
    const positions = g.op('Slice', [
      positionTable,
      g.constant('int64', [0]),
      seqLen,
      g.constant('int64', [0]),
    ]);
    const typeTable = matrix(
      'embeddings.token_type_embeddings.weight',
      config.typeVocabSize,
      H,
      init.wordEmbeddingStd * init.tokenTypeRatio,
    );
    const types = g.op('Gather', [typeTable, tokenTypeIds], { axis: 0 });
    return g.scope('/LayerNorm', () =>
      layerNorm(g.op('Add', [g.op('Add', [words, positions]), types]), 'embeddings.LayerNorm'),
    );
  });

  // [batch, 1, 1, seq]: 0 where a token may be attended, MASK_VALUE on padding.
  const bias = g.scope('/attn_mask', () => {
    const padding = g.op('Sub', [g.constant('float32', [1], []), g.op('Cast', [attentionMask], { to: 1 })]);
    return g.op('Mul', [
      g.op('Unsqueeze', [padding, g.constant('int64', [1, 2])]),
      g.constant('float32', [MASK_VALUE], []),
    ]);
  });

  for (let i = 0; i < config.numLayers; i++) {
    const p = `encoder.layer.${i}`;
    const input = hidden;
    hidden = g.scope(`/encoder/layer.${i}`, () => {
      const attention = g.scope('/attention/self', () => {
        const heads = (x: string, perm: number[]): string =>
          g.op('Transpose', [g.op('Reshape', [x, g.constant('int64', [0, 0, NH, D])])], { perm });
        const q = heads(
          g.scope('/query', () => linear(input, `${p}.attention.self.query`, H, H)),
          [0, 2, 1, 3],
        );
        const kT = heads(
          g.scope('/key', () => linear(input, `${p}.attention.self.key`, H, H)),
          [0, 2, 3, 1],
        );
        const v = heads(
          g.scope('/value', () => linear(input, `${p}.attention.self.value`, H, H)),
          [0, 2, 1, 3],
        );
        const scores = g.op('Add', [
          g.op('Mul', [g.op('MatMul', [q, kT]), g.constant('float32', [1 / Math.sqrt(D)], [])]),
          bias,
        ]);
        const context = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v]);
        return g.op('Reshape', [
          g.op('Transpose', [context], { perm: [0, 2, 1, 3] }),
          g.constant('int64', [0, 0, H]),
        ]);
      });
      const attended = g.scope('/attention/output', () => {
        const projected = g.scope('/dense', () => linear(attention, `${p}.attention.output.dense`, H, H));
        return g.scope('/LayerNorm', () =>
          layerNorm(g.op('Add', [projected, input]), `${p}.attention.output.LayerNorm`),
        );
      });
      const intermediate = g.scope('/intermediate', () => {
        const x = g.scope('/dense', () => linear(attended, `${p}.intermediate.dense`, H, F));
        // GELU, erf form: x · ½ · (1 + erf(x / √2)), exactly as BERT's "gelu".
        return g.scope('/intermediate_act_fn', () => {
          const erf = g.op('Erf', [g.op('Div', [x, g.constant('float32', [Math.SQRT2], [])])]);
          return g.op('Mul', [
            g.op('Mul', [x, g.op('Add', [erf, g.constant('float32', [1], [])])]),
            g.constant('float32', [0.5], []),
          ]);
        });
      });
      return g.scope('/output', () => {
        const projected = g.scope('/dense', () => linear(intermediate, `${p}.output.dense`, F, H));
        return g.scope('/LayerNorm', () =>
          layerNorm(g.op('Add', [projected, attended]), `${p}.output.LayerNorm`),
        );
      });
    });
  }

  g.output(hidden, 'last_hidden_state', 'float32', ['batch_size', 'sequence_length', H]);
  return g.toModel({ docString: 'BERT-style encoder forged by glassbox tools/forge: random weights.' });
}

/** Parameter count as Hugging Face reports it for BertModel without the pooler. */
export function encoderParameterCount(c: EncoderConfig): number {
  const H = c.hiddenSize;
  const embeddings = (c.vocabSize + c.maxPositionEmbeddings + c.typeVocabSize) * H + 2 * H;
  const layer =
    4 * (H * H + H) +
    2 * H +
    (H * c.intermediateSize + c.intermediateSize) +
    (c.intermediateSize * H + H) +
    2 * H;
  return embeddings + c.numLayers * layer;
}
