/**
 * A LLaMA-style decoder as ONNX, shaped like Optimum's export of `LlamaForCausalLM` with past
 * key values ("text-generation-with-past"), so Transformers.js loads it as a real Llama model.
 *
 *   inputs   input_ids, position_ids [batch_size, sequence_length] int64
 *            attention_mask [batch_size, total_sequence_length] int64
 *            past_key_values.{i}.key|value [batch_size, KV_HEADS, past_sequence_length, HEAD_DIM] float32
 *   outputs  logits [batch_size, sequence_length, VOCAB]
 *            present.{i}.key|value [batch_size, KV_HEADS, total_sequence_length, HEAD_DIM]
 *
 * The math follows Hugging Face's modeling_llama.py: RMSNorm, rotary embeddings with the
 * rotate_half convention, grouped-query attention (KV heads repeated), SwiGLU MLP, final norm,
 * lm_head tied to the embedding (MatMul with its Transpose) or separate. Only opset-17 standard
 * ops, so the same file runs on onnxruntime-web's WASM and WebGPU execution providers.
 *
 * @example
 *   const model = buildDecoder(PRESETS['tiny-chat'].model, 1234);
 *   model.graph.inputs.map((i) => i.name);
 *   // → ['input_ids', 'attention_mask', 'position_ids', 'past_key_values.0.key', …]
 */
import { float, GraphBuilder, MICROSOFT_DOMAIN, type OnnxModel } from './onnx/graph.ts';
import { constantWeights, normalWeights } from './weights.ts';

export interface DecoderInit {
  /** Std of the token embedding; sets the logit scale when tied (≈ std · √hidden). */
  readonly embeddingStd: number;
  /** Multiplier on 1/√fan_in for q and k: larger makes attention depend more on content. */
  readonly queryKeyGain: number;
  /** Multiplier on 1/√fan_in for o_proj: how loudly attention writes to the residual stream. */
  readonly attentionOutputGain: number;
  /** Multiplier on 1/√fan_in for down_proj: how loudly the MLP writes to the residual stream. */
  readonly mlpOutputGain: number;
  /** Std of the noise around 1 in the norm weights (0 gives HF's all-ones init). */
  readonly normNoise: number;
}

export interface DecoderConfig {
  readonly architecture: 'llama';
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly intermediateSize: number;
  readonly vocabSize: number;
  readonly maxPositionEmbeddings: number;
  readonly ropeTheta: number;
  readonly rmsNormEps: number;
  readonly tieWordEmbeddings: boolean;
  readonly init: DecoderInit;
  /**
   * How each layer computes attention: in standard ops (MatMul, Softmax: the probabilities are a value of
   * the graph), or in one fused com.microsoft GroupQueryAttention per layer, as onnxruntime-genai and
   * recent onnx-community exports write it (the probabilities stay inside).
   */
  readonly attention?: 'decomposed' | 'group-query';
}

/**
 * Why not HF's N(0, 0.02) everywhere: with tied embeddings the input token's own logit gets a
 * bonus of about |e|² / rms(h), so when the residual stream h is mostly the input token's
 * embedding, greedy decoding repeats that token forever. Here projections are scaled by 1/√fan_in
 * (unit-variance activations) and the blocks write much louder than the embedding, so the next
 * token depends on context. Larger gains avoid collapse in shallow models but make deep random
 * models chaotic (small weight errors, e.g. quantization, grow layer by layer), so each preset
 * picks the smallest gains that keep greedy text varied; see the tests in decoder.test.ts.
 */
export const DEFAULT_DECODER_INIT: DecoderInit = Object.freeze({
  embeddingStd: 0.1,
  queryKeyGain: 1,
  attentionOutputGain: 1,
  mlpOutputGain: 2,
  normNoise: 0.1,
});

/** Additive mask value: float32's lowest finite number, as transformers uses (finfo.min); not -inf, so a fully masked row softmaxes to uniform instead of NaN. */
export const MASK_VALUE = -3.4028234663852886e38;

export function validateDecoderConfig(c: DecoderConfig): void {
  const problems: string[] = [];
  if (c.numHeads % c.numKvHeads !== 0)
    problems.push(
      `num_attention_heads (${c.numHeads}) must be a multiple of num_key_value_heads (${c.numKvHeads})`,
    );
  if (c.headDim % 2 !== 0) problems.push(`head_dim (${c.headDim}) must be even for rotary embeddings`);
  for (const [key, value] of Object.entries({
    hidden: c.hiddenSize,
    layers: c.numLayers,
    vocab: c.vocabSize,
    ffn: c.intermediateSize,
  })) {
    if (!Number.isInteger(value) || value <= 0)
      problems.push(`${key} must be a positive integer, got ${value}`);
  }
  if (problems.length > 0) throw new Error(`Invalid decoder config: ${problems.join('; ')}.`);
}

export function buildDecoder(config: DecoderConfig, seed: number): OnnxModel {
  validateDecoderConfig(config);
  const {
    hiddenSize: H,
    numHeads: NH,
    numKvHeads: KV,
    headDim: D,
    intermediateSize: F,
    vocabSize: V,
    init,
  } = config;
  const g = new GraphBuilder('main_graph');
  const weight = (name: string, [rows, cols]: [number, number], std: number): string =>
    g.initializer(name, 'float32', [rows, cols], normalWeights(seed, name, rows * cols, std));
  const normWeight = (name: string): string =>
    g.initializer(
      name,
      'float32',
      [H],
      init.normNoise > 0 ? normalWeights(seed, name, H, init.normNoise, 1) : constantWeights(H, 1),
    );

  // ---- inputs (order as Optimum writes them)
  const inputIds = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  const positionIds = g.input('position_ids', 'int64', ['batch_size', 'sequence_length']);
  const past: { key: string; value: string }[] = [];
  for (let i = 0; i < config.numLayers; i++) {
    past.push({
      key: g.input(`past_key_values.${i}.key`, 'float32', ['batch_size', KV, 'past_sequence_length', D]),
      value: g.input(`past_key_values.${i}.value`, 'float32', ['batch_size', KV, 'past_sequence_length', D]),
    });
  }

  const embedding = weight('model.embed_tokens.weight', [V, H], init.embeddingStd);
  let hidden = g.scope('/model/embed_tokens', () => g.op('Gather', [embedding, inputIds], { axis: 0 }));

  // ---- rotary tables: cos/sin of position · θ^(-2j/D), computed here in float64 for every position (as
  // GroupQueryAttention exports ship them) rather than by Cos/Sin nodes: WGSL sin/cos may be coarse
  // (SwiftShader's err by 1.9e-4), which moved WebGPU probabilities by 1.5e-4 from the Node reference.
  const half = D / 2;
  const trigCache = (name: string, trig: (angle: number) => number): string => {
    const values = new Float32Array(config.maxPositionEmbeddings * half);
    for (let position = 0; position < config.maxPositionEmbeddings; position++) {
      for (let j = 0; j < half; j++) {
        values[position * half + j] = trig(position / Math.pow(config.ropeTheta, (2 * j) / D));
      }
    }
    // Named as exports name these buffers, so readers (the inspector) can tell they are not parameters.
    return g.initializer(name, 'float32', [config.maxPositionEmbeddings, half], values);
  };
  // [batch, 1, seq, D]: the rows of the positions, duplicated for both halves, broadcast over heads.
  const { cos, sin } = g.scope('/model/rotary_emb', () => {
    const heads = g.constant('int64', [1]);
    const rows = (cache: string) => {
      const gathered = g.op('Gather', [cache, positionIds], { axis: 0 });
      return g.op('Unsqueeze', [g.op('Concat', [gathered, gathered], { axis: -1 }), heads]);
    };
    const cos = rows(trigCache('cos_cache', Math.cos));
    return { cos, sin: rows(trigCache('sin_cache', Math.sin)) };
  });

  const fused = config.attention === 'group-query';

  // GroupQueryAttention reads each row's length instead of a mask: seqlens_k = (valid tokens) - 1, and the
  // total length, both int32 (as exports compute them from attention_mask).
  const lengths = fused
    ? g.scope('/model/attn_mask', () => {
        const valid = g.op('ReduceSum', [attentionMask, g.constant('int64', [1])], { keepdims: 0 });
        const seqlensK = g.op('Cast', [g.op('Sub', [valid, g.constant('int64', [1], [])])], { to: 6 });
        const total = g.op('Gather', [g.op('Shape', [attentionMask]), g.constant('int64', [1], [])], {
          axis: 0,
        });
        return { seqlensK, total: g.op('Cast', [total], { to: 6 }) };
      })
    : null;

  // ---- additive attention bias [batch, 1, seq, total]: key j is visible to query i when
  // j <= past + i (causal, offset by the cache) and attention_mask[b, j] = 1 (left padding).
  const bias = fused
    ? ''
    : g.scope('/model/attn_mask', () => {
        const scalar = (value: string, dim: number): string =>
          g.op('Gather', [g.op('Shape', [value]), g.constant('int64', [dim], [])], { axis: 0 });
        const seqLen = scalar(inputIds, 1);
        const totalLen = scalar(attentionMask, 1);
        const pastLen = g.op('Sub', [totalLen, seqLen]);
        const one = g.constant('int64', [1], []);
        const keyPos = g.op('Unsqueeze', [
          g.op('Range', [g.constant('int64', [0], []), totalLen, one]),
          g.constant('int64', [0]),
        ]);
        const queryPos = g.op('Unsqueeze', [
          g.op('Range', [pastLen, totalLen, one]),
          g.constant('int64', [1]),
        ]);
        const future = g.op('Cast', [g.op('Greater', [keyPos, queryPos])], { to: 1 }); // [seq, total]
        const padding = g.op('Sub', [
          g.constant('float32', [1], []),
          g.op('Cast', [attentionMask], { to: 1 }),
        ]); // [batch, total]
        const paddingRows = g.op('Unsqueeze', [padding, g.constant('int64', [1, 2])]); // [batch, 1, 1, total]
        const blocked = g.op('Max', [future, paddingRows]); // [batch, 1, seq, total], 1 = hidden
        return g.op('Mul', [blocked, g.constant('float32', [MASK_VALUE], [])]);
      });

  const rmsNorm = (x: string, w: string): string => {
    const meanSquare = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [-1], keepdims: 1 });
    const inverseRms = g.op('Reciprocal', [
      g.op('Sqrt', [g.op('Add', [meanSquare, g.constant('float32', [config.rmsNormEps], [])])]),
    ]);
    return g.op('Mul', [g.op('Mul', [x, inverseRms]), w]);
  };

  // rotate_half(x) = cat(-x[..., D/2:], x[..., :D/2]); x·cos + rotate_half(x)·sin
  const rope = (x: string): string => {
    const [first = '', second = ''] = g.node('Split', [x], { axis: -1 }, { outputs: 2 });
    const rotated = g.op('Concat', [g.op('Neg', [second]), first], { axis: -1 });
    return g.op('Add', [g.op('Mul', [x, cos]), g.op('Mul', [rotated, sin])]);
  };

  // [batch, seq, heads·D] → [batch, heads, seq, D]
  const splitHeads = (x: string, heads: number): string =>
    g.op('Transpose', [g.op('Reshape', [x, g.constant('int64', [0, 0, heads, D])])], { perm: [0, 2, 1, 3] });

  // repeat_kv: [batch, KV, total, D] → [batch, NH, total, D], head h reading KV head ⌊h / (NH/KV)⌋
  const repeatKv = (x: string): string => {
    const groups = NH / KV;
    if (groups === 1) return x;
    const expanded = g.op('Expand', [
      g.op('Unsqueeze', [x, g.constant('int64', [2])]),
      g.constant('int64', [1, 1, groups, 1, 1]),
    ]);
    return g.op('Reshape', [expanded, g.constant('int64', [0, NH, -1, D])]);
  };

  const projStd = (fanIn: number, gain = 1): number => gain / Math.sqrt(fanIn);

  past.forEach((layerPast, i) => {
    const p = `model.layers.${i}`;
    hidden = g.scope(`/model/layers.${i}`, () => {
      const inputNorm = g.scope('/input_layernorm', () =>
        rmsNorm(hidden, normWeight(`${p}.input_layernorm.weight`)),
      );
      const attention = g.scope('/self_attn', () => {
        const q = g.scope('/q_proj', () =>
          g.op('MatMul', [
            inputNorm,
            weight(`${p}.self_attn.q_proj.weight`, [H, NH * D], projStd(H, init.queryKeyGain)),
          ]),
        );
        const k = g.scope('/k_proj', () =>
          g.op('MatMul', [
            inputNorm,
            weight(`${p}.self_attn.k_proj.weight`, [H, KV * D], projStd(H, init.queryKeyGain)),
          ]),
        );
        const v = g.scope('/v_proj', () =>
          g.op('MatMul', [inputNorm, weight(`${p}.self_attn.v_proj.weight`, [H, KV * D], projStd(H))]),
        );
        const outputProjection = (merged: string) =>
          g.scope('/o_proj', () =>
            g.op('MatMul', [
              merged,
              weight(`${p}.self_attn.o_proj.weight`, [NH * D, H], projStd(NH * D, init.attentionOutputGain)),
            ]),
          );
        if (lengths) {
          // Rotary applied before the fused op, as exports for the web write it (GroupQueryAttention's own
          // do_rotary is not trusted on WebGPU): [batch, seq, heads·D] in and out.
          const rotated = (x: string, heads: number) =>
            g.op('Reshape', [
              g.op('Transpose', [rope(splitHeads(x, heads))], { perm: [0, 2, 1, 3] }),
              g.constant('int64', [0, 0, heads * D]),
            ]);
          const [merged = ''] = g.node(
            'GroupQueryAttention',
            [
              rotated(q, NH),
              rotated(k, KV),
              v,
              layerPast.key,
              layerPast.value,
              lengths.seqlensK,
              lengths.total,
            ],
            { num_heads: NH, kv_num_heads: KV, scale: float(1 / Math.sqrt(D)) },
            {
              domain: MICROSOFT_DOMAIN,
              outputs: [
                `/model/layers.${i}/attn/GroupQueryAttention_output_0`,
                `present.${i}.key`,
                `present.${i}.value`,
              ],
            },
          );
          return outputProjection(merged);
        }
        const query = rope(splitHeads(q, NH));
        const key = rope(splitHeads(k, KV));
        const presentKey = g.op('Concat', [layerPast.key, key], { axis: 2 }, { output: `present.${i}.key` });
        const presentValue = g.op(
          'Concat',
          [layerPast.value, splitHeads(v, KV)],
          { axis: 2 },
          { output: `present.${i}.value` },
        );
        const keyT = g.op('Transpose', [repeatKv(presentKey)], { perm: [0, 1, 3, 2] });
        const scores = g.op('Mul', [
          g.op('MatMul', [query, keyT]),
          g.constant('float32', [1 / Math.sqrt(D)], []),
        ]);
        const probs = g.op('Softmax', [g.op('Add', [scores, bias])], { axis: -1 });
        const context = g.op('MatMul', [probs, repeatKv(presentValue)]);
        const merged = g.op('Reshape', [
          g.op('Transpose', [context], { perm: [0, 2, 1, 3] }),
          g.constant('int64', [0, 0, NH * D]),
        ]);
        return outputProjection(merged);
      });
      const afterAttention = g.op('Add', [hidden, attention]);
      const postNorm = g.scope('/post_attention_layernorm', () =>
        rmsNorm(afterAttention, normWeight(`${p}.post_attention_layernorm.weight`)),
      );
      const mlp = g.scope('/mlp', () => {
        const gate = g.scope('/gate_proj', () =>
          g.op('MatMul', [postNorm, weight(`${p}.mlp.gate_proj.weight`, [H, F], projStd(H))]),
        );
        const up = g.scope('/up_proj', () =>
          g.op('MatMul', [postNorm, weight(`${p}.mlp.up_proj.weight`, [H, F], projStd(H))]),
        );
        const silu = g.scope('/act_fn', () => g.op('Mul', [gate, g.op('Sigmoid', [gate])]));
        const product = g.op('Mul', [silu, up]);
        return g.scope('/down_proj', () =>
          g.op('MatMul', [
            product,
            weight(`${p}.mlp.down_proj.weight`, [F, H], projStd(F, init.mlpOutputGain)),
          ]),
        );
      });
      return g.op('Add', [afterAttention, mlp]);
    });
  });

  const finalNorm = g.scope('/model/norm', () => rmsNorm(hidden, normWeight('model.norm.weight')));
  const logits = g.scope('/lm_head', () => {
    // Tied: the same matrix embeds tokens and scores them, as the checkpoint stores it once.
    const head = config.tieWordEmbeddings
      ? g.op('Transpose', [embedding], { perm: [1, 0] })
      : weight('lm_head.weight', [H, V], init.embeddingStd);
    return g.op('MatMul', [finalNorm, head], {}, { output: 'logits' });
  });

  g.output(logits, 'logits', 'float32', ['batch_size', 'sequence_length', V]);
  for (let i = 0; i < config.numLayers; i++) {
    for (const kind of ['key', 'value'] as const) {
      const name = `present.${i}.${kind}`;
      g.output(name, name, 'float32', ['batch_size', KV, 'total_sequence_length', D]);
    }
  }
  return g.toModel({ docString: 'LLaMA-style decoder forged by glassbox tools/forge: random weights.' });
}

/** Parameter count as Hugging Face reports it (tied embeddings counted once). */
export function decoderParameterCount(c: DecoderConfig): number {
  const attention =
    c.hiddenSize * (c.numHeads + 2 * c.numKvHeads) * c.headDim + c.numHeads * c.headDim * c.hiddenSize;
  const mlp = 3 * c.hiddenSize * c.intermediateSize;
  const layer = attention + mlp + 2 * c.hiddenSize;
  const head = c.tieWordEmbeddings ? 0 : c.vocabSize * c.hiddenSize;
  return c.vocabSize * c.hiddenSize + c.numLayers * layer + c.hiddenSize + head;
}
