/**
 * Plain TypeScript re-statements of Hugging Face's modeling_llama.py and modeling_bert.py
 * forward passes (one unpadded sequence, no cache), reading the forged weights by name. Tests
 * compare the ONNX graphs against these, which catches what self-consistency checks cannot: a
 * wrong rotary convention, a wrong KV-head grouping, a missing scale.
 *
 * @example
 *   const logits = llamaReferenceLogits(model, config, [1, 42, 7]);
 *   // Float32Array(3 · vocab): row s holds the logits after token s
 */
import type { DecoderConfig } from '../decoder.ts';
import type { EncoderConfig } from '../encoder.ts';
import { tensorToFloat32, type OnnxModel } from '../onnx/graph.ts';

type Matrix = Float64Array; // row-major, [rows, cols]

function weights(model: OnnxModel): (name: string) => Float32Array {
  const byName = new Map(model.graph.initializers.map((t) => [t.name, t]));
  return (name) => {
    const tensor = byName.get(name);
    if (tensor === undefined) throw new Error(`No initializer ${name}.`);
    return tensorToFloat32(tensor);
  };
}

/** x [rows, k] · w [k, n] (w stored as the forge stores MatMul weights). */
function matmul(x: Matrix, rows: number, k: number, w: ArrayLike<number>, n: number): Matrix {
  const out = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < k; i++) {
      const xv = x[r * k + i] ?? 0;
      if (xv === 0) continue;
      for (let j = 0; j < n; j++) out[r * n + j]! += xv * (w[i * n + j] ?? 0);
    }
  }
  return out;
}

function rmsNorm(x: Matrix, rows: number, width: number, w: Float32Array, eps: number): Matrix {
  const out = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let i = 0; i < width; i++) sum += (x[r * width + i] ?? 0) ** 2;
    const inv = 1 / Math.sqrt(sum / width + eps);
    for (let i = 0; i < width; i++) out[r * width + i] = (x[r * width + i] ?? 0) * inv * (w[i] ?? 0);
  }
  return out;
}

function softmaxInPlace(row: Float64Array): void {
  let max = -Infinity;
  for (const v of row) max = Math.max(max, v);
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += row[i] = Math.exp((row[i] ?? 0) - max);
  for (let i = 0; i < row.length; i++) row[i]! /= sum;
}

/** modeling_llama.py: LlamaForCausalLM.forward for one sequence at positions 0..S-1. */
export function llamaReferenceLogits(
  model: OnnxModel,
  c: DecoderConfig,
  tokens: readonly number[],
): Float64Array {
  const w = weights(model);
  const S = tokens.length;
  const { hiddenSize: H, numHeads: NH, numKvHeads: KV, headDim: D, intermediateSize: F, vocabSize: V } = c;
  const embedding = w('model.embed_tokens.weight');
  let h: Matrix = new Float64Array(S * H);
  tokens.forEach((t, s) => {
    for (let i = 0; i < H; i++) h[s * H + i] = embedding[t * H + i] ?? 0;
  });

  // LlamaRotaryEmbedding + apply_rotary_pos_emb with rotate_half
  const rotate = (x: Matrix, heads: number): void => {
    for (let s = 0; s < S; s++) {
      for (let head = 0; head < heads; head++) {
        const base = s * heads * D + head * D;
        const original = x.slice(base, base + D);
        for (let i = 0; i < D; i++) {
          const j = i % (D / 2);
          const angle = s * Math.pow(c.ropeTheta, -(2 * j) / D);
          const rotated = i < D / 2 ? -(original[i + D / 2] ?? 0) : (original[i - D / 2] ?? 0);
          x[base + i] = (original[i] ?? 0) * Math.cos(angle) + rotated * Math.sin(angle);
        }
      }
    }
  };

  for (let l = 0; l < c.numLayers; l++) {
    const p = `model.layers.${l}`;
    const x = rmsNorm(h, S, H, w(`${p}.input_layernorm.weight`), c.rmsNormEps);
    const q = matmul(x, S, H, w(`${p}.self_attn.q_proj.weight`), NH * D);
    const k = matmul(x, S, H, w(`${p}.self_attn.k_proj.weight`), KV * D);
    const v = matmul(x, S, H, w(`${p}.self_attn.v_proj.weight`), KV * D);
    rotate(q, NH);
    rotate(k, KV);
    const context = new Float64Array(S * NH * D);
    for (let head = 0; head < NH; head++) {
      const kvHead = Math.floor(head / (NH / KV)); // repeat_kv
      for (let s = 0; s < S; s++) {
        const scores = new Float64Array(s + 1); // causal: keys 0..s
        for (let t = 0; t <= s; t++) {
          let dot = 0;
          for (let i = 0; i < D; i++)
            dot += (q[s * NH * D + head * D + i] ?? 0) * (k[t * KV * D + kvHead * D + i] ?? 0);
          scores[t] = dot / Math.sqrt(D);
        }
        softmaxInPlace(scores);
        for (let t = 0; t <= s; t++) {
          for (let i = 0; i < D; i++)
            context[s * NH * D + head * D + i]! += (scores[t] ?? 0) * (v[t * KV * D + kvHead * D + i] ?? 0);
        }
      }
    }
    const attention = matmul(context, S, NH * D, w(`${p}.self_attn.o_proj.weight`), H);
    h = h.map((value, i) => value + (attention[i] ?? 0));
    const y = rmsNorm(h, S, H, w(`${p}.post_attention_layernorm.weight`), c.rmsNormEps);
    const gate = matmul(y, S, H, w(`${p}.mlp.gate_proj.weight`), F);
    const up = matmul(y, S, H, w(`${p}.mlp.up_proj.weight`), F);
    const act = gate.map((g, i) => (g / (1 + Math.exp(-g))) * (up[i] ?? 0));
    const down = matmul(act, S, F, w(`${p}.mlp.down_proj.weight`), H);
    h = h.map((value, i) => value + (down[i] ?? 0));
  }
  const final = rmsNorm(h, S, H, w('model.norm.weight'), c.rmsNormEps);
  if (!c.tieWordEmbeddings) return matmul(final, S, H, w('lm_head.weight'), V);
  // Tied: logits = final · Eᵀ
  const logits = new Float64Array(S * V);
  for (let s = 0; s < S; s++) {
    for (let t = 0; t < V; t++) {
      let dot = 0;
      for (let i = 0; i < H; i++) dot += (final[s * H + i] ?? 0) * (embedding[t * H + i] ?? 0);
      logits[s * V + t] = dot;
    }
  }
  return logits;
}

function layerNorm(
  x: Matrix,
  rows: number,
  width: number,
  gamma: Float32Array,
  beta: Float32Array,
  eps: number,
): Matrix {
  const out = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let i = 0; i < width; i++) mean += (x[r * width + i] ?? 0) / width;
    let variance = 0;
    for (let i = 0; i < width; i++) variance += ((x[r * width + i] ?? 0) - mean) ** 2 / width;
    for (let i = 0; i < width; i++)
      out[r * width + i] =
        (((x[r * width + i] ?? 0) - mean) / Math.sqrt(variance + eps)) * (gamma[i] ?? 0) + (beta[i] ?? 0);
  }
  return out;
}

function erf(x: number): number {
  // Abramowitz-Stegun 7.1.26 is only 1e-7 accurate; a series/continued-fraction split is exact enough for 1e-12.
  const t = Math.abs(x);
  if (t < 2.5) {
    let sum = 0;
    let term = t;
    for (let n = 0; n < 80; n++) {
      sum += term / (2 * n + 1);
      term *= (-t * t) / (n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction (Lentz) for large |x|
  let f = t;
  let C = t;
  let Dv = 0;
  for (let n = 1; n < 200; n++) {
    const a = n / 2;
    Dv = t + a * Dv;
    Dv = 1 / Dv;
    C = t + a / C;
    const delta = C * Dv;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-t * t) / (Math.sqrt(Math.PI) * f);
  return Math.sign(x) * (1 - erfc);
}

/** modeling_bert.py: BertModel.forward (no pooler) for one unpadded sequence, token type 0. */
export function bertReferenceHidden(
  model: OnnxModel,
  c: EncoderConfig,
  tokens: readonly number[],
): Float64Array {
  const w = weights(model);
  const S = tokens.length;
  const { hiddenSize: H, numHeads: NH, intermediateSize: F } = c;
  const D = H / NH;
  const words = w('embeddings.word_embeddings.weight');
  const positions = w('embeddings.position_embeddings.weight');
  const types = w('embeddings.token_type_embeddings.weight');
  const linear = (x: Matrix, rows: number, k: number, prefix: string, n: number): Matrix => {
    const y = matmul(x, rows, k, w(`${prefix}.weight`), n);
    const bias = w(`${prefix}.bias`);
    return y.map((v, i) => v + (bias[i % n] ?? 0));
  };
  const norm = (x: Matrix, prefix: string): Matrix =>
    layerNorm(x, S, H, w(`${prefix}.weight`), w(`${prefix}.bias`), c.layerNormEps);

  let h: Matrix = new Float64Array(S * H);
  tokens.forEach((t, s) => {
    for (let i = 0; i < H; i++)
      h[s * H + i] = (words[t * H + i] ?? 0) + (positions[s * H + i] ?? 0) + (types[i] ?? 0);
  });
  h = norm(h, 'embeddings.LayerNorm');
  for (let l = 0; l < c.numLayers; l++) {
    const p = `encoder.layer.${l}`;
    const q = linear(h, S, H, `${p}.attention.self.query`, H);
    const k = linear(h, S, H, `${p}.attention.self.key`, H);
    const v = linear(h, S, H, `${p}.attention.self.value`, H);
    const context = new Float64Array(S * H);
    for (let head = 0; head < NH; head++) {
      for (let s = 0; s < S; s++) {
        const scores = new Float64Array(S);
        for (let t = 0; t < S; t++) {
          let dot = 0;
          for (let i = 0; i < D; i++) dot += (q[s * H + head * D + i] ?? 0) * (k[t * H + head * D + i] ?? 0);
          scores[t] = dot / Math.sqrt(D);
        }
        softmaxInPlace(scores);
        for (let t = 0; t < S; t++)
          for (let i = 0; i < D; i++)
            context[s * H + head * D + i]! += (scores[t] ?? 0) * (v[t * H + head * D + i] ?? 0);
      }
    }
    const attended = norm(
      linear(context, S, H, `${p}.attention.output.dense`, H).map((x, i) => x + (h[i] ?? 0)),
      `${p}.attention.output.LayerNorm`,
    );
    const intermediate = linear(attended, S, H, `${p}.intermediate.dense`, F).map(
      (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
    );
    h = norm(
      linear(intermediate, S, F, `${p}.output.dense`, H).map((x, i) => x + (attended[i] ?? 0)),
      `${p}.output.LayerNorm`,
    );
  }
  return h;
}
