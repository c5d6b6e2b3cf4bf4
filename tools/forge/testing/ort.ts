/**
 * Test helpers that run forged models in onnxruntime-node the way Transformers.js drives them:
 * sessions from in-memory models, one decoder step with an explicit KV cache, greedy decoding
 * with and without the cache, and mean-pooled encoder vectors.
 *
 * @example
 *   const session = await createSession(buildDecoder(config, 1));
 *   const tokens = await greedyWithCache(session, config, [1, 42, 7], 16);
 *   // → 16 token ids; greedyWithoutCache(session, config, [1, 42, 7], 16) gives the same list
 */
import * as ort from 'onnxruntime-node';
import { float16ToFloat32 } from '../onnx/float16.ts';
import type { OnnxModel } from '../onnx/graph.ts';
import { encodeModel } from '../onnx/proto.ts';

/** What a caller needs to know about a decoder to feed it: the parts of config.json Transformers.js reads. */
export interface DecoderShape {
  readonly numLayers: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly vocabSize: number;
}

/** A session from a model, its bytes, or the path of an .onnx file (which finds its external data beside it). */
export async function createSession(
  model: OnnxModel | Uint8Array | string,
  options: ort.InferenceSession.SessionOptions = {},
): Promise<ort.InferenceSession> {
  const source = typeof model === 'string' || model instanceof Uint8Array ? model : encodeModel(model).onnx;
  // Two intra-op threads: the CI machine has two cores, and results must not depend on the count.
  const settings = { intraOpNumThreads: 2, interOpNumThreads: 1, ...options };
  return typeof source === 'string'
    ? ort.InferenceSession.create(source, settings)
    : ort.InferenceSession.create(source, settings);
}

/** Float outputs as float32 numbers, whether the graph computes them in float32 or float16 (Uint16Array bits). */
export function floatData(tensor: ort.Tensor): Float32Array {
  if (tensor.type === 'float16') return float16ToFloat32(tensor.data as Uint16Array);
  if (tensor.type !== 'float32') throw new Error(`Expected a float tensor, got ${tensor.type}.`);
  return tensor.data as Float32Array;
}

export function int64Tensor(rows: readonly (readonly number[])[]): ort.Tensor {
  const width = rows[0]?.length ?? 0;
  const data = new BigInt64Array(rows.length * width);
  rows.forEach((row, r) => {
    if (row.length !== width) throw new Error('int64Tensor: rows must have equal length.');
    row.forEach((v, c) => (data[r * width + c] = BigInt(v)));
  });
  return new ort.Tensor('int64', data, [rows.length, width]);
}

/** One layer's cache: key and value tensors [batch, KV_HEADS, length, HEAD_DIM]. */
export interface LayerCache {
  readonly key: ort.Tensor;
  readonly value: ort.Tensor;
}

export type CacheType = 'float32' | 'float16';

/** The KV cache's element type a decoder session declares: float16 for fp16 and q4f16 exports. */
export function cacheTypeOf(session: ort.InferenceSession): CacheType {
  const past = session.inputMetadata.find((m) => m.name === 'past_key_values.0.key');
  return past?.isTensor === true && past.type === 'float16' ? 'float16' : 'float32';
}

export function emptyCache(shape: DecoderShape, batch: number, type: CacheType = 'float32'): LayerCache[] {
  const dims = [batch, shape.numKvHeads, 0, shape.headDim];
  const empty = (): ort.Tensor =>
    type === 'float16'
      ? new ort.Tensor('float16', new Uint16Array(0), dims)
      : new ort.Tensor('float32', new Float32Array(0), dims);
  return Array.from({ length: shape.numLayers }, () => ({ key: empty(), value: empty() }));
}

export interface DecoderStepInput {
  readonly inputIds: readonly (readonly number[])[];
  readonly attentionMask: readonly (readonly number[])[];
  readonly positionIds: readonly (readonly number[])[];
  readonly cache: readonly LayerCache[];
}

export interface DecoderStepOutput {
  /** [batch, sequence, vocab], as float32 numbers whatever the graph's float type */
  readonly logits: Float32Array;
  readonly dims: readonly number[];
  readonly cache: LayerCache[];
}

export async function runDecoderStep(
  session: ort.InferenceSession,
  shape: DecoderShape,
  input: DecoderStepInput,
): Promise<DecoderStepOutput> {
  const feeds: Record<string, ort.Tensor> = {
    input_ids: int64Tensor(input.inputIds),
    attention_mask: int64Tensor(input.attentionMask),
    position_ids: int64Tensor(input.positionIds),
  };
  input.cache.forEach((layer, i) => {
    feeds[`past_key_values.${i}.key`] = layer.key;
    feeds[`past_key_values.${i}.value`] = layer.value;
  });
  const out = await session.run(feeds);
  const logits = out['logits'];
  if (logits === undefined) throw new Error('The decoder returned no logits.');
  const cache = Array.from({ length: shape.numLayers }, (_, i): LayerCache => {
    const key = out[`present.${i}.key`];
    const value = out[`present.${i}.value`];
    if (key === undefined || value === undefined)
      throw new Error(`The decoder returned no present.${i}.key/value.`);
    return { key, value };
  });
  return { logits: floatData(logits), dims: logits.dims, cache };
}

/** Row `row`, position `position` of [batch, seq, vocab] logits. */
export function logitsAt(step: DecoderStepOutput, row: number, position: number): Float32Array {
  const [, seq = 0, vocab = 0] = step.dims;
  const start = (row * seq + position) * vocab;
  return step.logits.subarray(start, start + vocab);
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++)
    if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best;
}

const range = (start: number, length: number): number[] => Array.from({ length }, (_, i) => start + i);

/** Greedy decoding feeding only the new token each step, with the cache returned by the last step. */
export async function greedyWithCache(
  session: ort.InferenceSession,
  shape: DecoderShape,
  prompt: readonly number[],
  steps: number,
): Promise<number[]> {
  return (await greedyTrace(session, shape, prompt, steps)).tokens;
}

export interface GreedyTrace {
  readonly tokens: number[];
  /** The logits each token was chosen from. */
  readonly logits: Float32Array[];
}

/**
 * `greedyWithCache`, keeping the logits of every step (to tell a near-tie from a real difference). With
 * `feed`, step s feeds back `feed[s]` (another run's tokens) instead of its own choice, so two sessions see
 * the same inputs at every step; `tokens` are still its own choices.
 */
export async function greedyTrace(
  session: ort.InferenceSession,
  shape: DecoderShape,
  prompt: readonly number[],
  steps: number,
  feed?: readonly number[],
): Promise<GreedyTrace> {
  const tokens: number[] = [];
  const logits: Float32Array[] = [];
  let step = await runDecoderStep(session, shape, {
    inputIds: [prompt],
    attentionMask: [prompt.map(() => 1)],
    positionIds: [range(0, prompt.length)],
    cache: emptyCache(shape, 1, cacheTypeOf(session)),
  });
  let scores = logitsAt(step, 0, prompt.length - 1);
  for (let s = 0; s < steps; s++) {
    const next = argmax(scores);
    tokens.push(next);
    logits.push(scores.slice());
    if (s === steps - 1) break;
    const total = prompt.length + tokens.length;
    step = await runDecoderStep(session, shape, {
      inputIds: [[feed?.[s] ?? next]],
      attentionMask: [range(0, total).map(() => 1)],
      positionIds: [[total - 1]],
      cache: step.cache,
    });
    scores = logitsAt(step, 0, 0);
  }
  return { tokens, logits };
}

export interface GreedyComparison {
  /** The first step where the tokens differ, or null when all agree. */
  readonly step: number | null;
  /** There, how much the reference preferred its token over the other's (its logit minus the other's). */
  readonly margin: number | null;
}

/**
 * Where two greedy runs from one prompt part, and by how much the reference's choice won there: a small
 * margin means a near-tie that float rounding may flip, a large one a real difference.
 */
export function compareGreedy(reference: GreedyTrace, other: GreedyTrace): GreedyComparison {
  const step = reference.tokens.findIndex((token, i) => token !== other.tokens[i]);
  if (step < 0) return { step: null, margin: null };
  const logits = reference.logits[step] ?? new Float32Array();
  const ours = reference.tokens[step] ?? 0;
  const theirs = other.tokens[step] ?? 0;
  return { step, margin: (logits[ours] ?? 0) - (logits[theirs] ?? 0) };
}

/** Greedy decoding recomputing the whole sequence every step (no cache): the reference. */
export async function greedyWithoutCache(
  session: ort.InferenceSession,
  shape: DecoderShape,
  prompt: readonly number[],
  steps: number,
): Promise<number[]> {
  const sequence = [...prompt];
  for (let s = 0; s < steps; s++) {
    const step = await runDecoderStep(session, shape, {
      inputIds: [sequence],
      attentionMask: [sequence.map(() => 1)],
      positionIds: [range(0, sequence.length)],
      cache: emptyCache(shape, 1, cacheTypeOf(session)),
    });
    sequence.push(argmax(logitsAt(step, 0, sequence.length - 1)));
  }
  return sequence.slice(prompt.length);
}

/**
 * Left-pads prompts to one length, with position ids as Transformers.js derives them
 * (cumsum(mask) - 1, padding positions set to 1).
 */
export function leftPaddedBatch(
  prompts: readonly (readonly number[])[],
  padId: number,
): Omit<DecoderStepInput, 'cache'> {
  const width = Math.max(...prompts.map((p) => p.length));
  const inputIds = prompts.map((p) => [...new Array<number>(width - p.length).fill(padId), ...p]);
  const attentionMask = prompts.map((p) => [
    ...new Array<number>(width - p.length).fill(0),
    ...p.map(() => 1),
  ]);
  const positionIds = prompts.map((p) => [
    ...new Array<number>(width - p.length).fill(1),
    ...range(0, p.length),
  ]);
  return { inputIds, attentionMask, positionIds };
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`Length mismatch: ${a.length} vs ${b.length}.`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return max;
}

/** ‖a − b‖ / ‖b‖ */
export function relativeRms(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let error = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    error += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
    norm += (b[i] ?? 0) ** 2;
  }
  return Math.sqrt(error / norm);
}

export function maxAbs(a: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] ?? 0));
  return max;
}

/** Runs an encoder and mean-pools last_hidden_state over unmasked tokens, one vector per row. */
export async function meanPooled(
  session: ort.InferenceSession,
  inputIds: readonly (readonly number[])[],
  attentionMask: readonly (readonly number[])[],
): Promise<Float32Array[]> {
  const out = await session.run({
    input_ids: int64Tensor(inputIds),
    attention_mask: int64Tensor(attentionMask),
    token_type_ids: int64Tensor(inputIds.map((row) => row.map(() => 0))),
  });
  const hidden = out['last_hidden_state'];
  if (hidden === undefined) throw new Error('The encoder returned no last_hidden_state.');
  const [batch = 0, seq = 0, width = 0] = hidden.dims;
  const data = floatData(hidden);
  return Array.from({ length: batch }, (_, b) => {
    const pooled = new Float32Array(width);
    let count = 0;
    for (let s = 0; s < seq; s++) {
      if (attentionMask[b]?.[s] !== 1) continue;
      count++;
      for (let h = 0; h < width; h++) pooled[h]! += data[(b * seq + s) * width + h] ?? 0;
    }
    return pooled.map((v) => v / Math.max(count, 1));
  });
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
}

/** Longest run of one repeated id, and the number of distinct ids. */
export function repetitionStats(tokens: readonly number[]): { distinct: number; longestRun: number } {
  let longestRun = 0;
  let run = 0;
  tokens.forEach((t, i) => {
    run = i > 0 && tokens[i - 1] === t ? run + 1 : 1;
    longestRun = Math.max(longestRun, run);
  });
  return { distinct: new Set(tokens).size, longestRun };
}
