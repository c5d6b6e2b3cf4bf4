/**
 * What the browser must reproduce, computed in Node with onnxruntime-node on the same forged files the
 * app serves: greedy tokens by full recomputation (no KV cache, unlike the app), mean-pooled vectors,
 * and parameter counts from config.json alone.
 *
 *   await referenceChatTokenIds('glassbox/tiny-chat', [{ role: 'user', content: 'Hi' }], 24) // → [318, 77, …]
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import type { Dtype } from '../src/core/model.ts';
import { weightFile } from '../src/core/weightFiles.ts';
import type { ChatMessage } from '../src/engine/protocol.ts';
import { instrumentDecoder } from '../src/lib/onnx/instrument.ts';
import { buildLensHead, LENS } from '../src/lib/onnx/lensHead.ts';
import { rewriteOnnx, type RewriteTarget } from '../src/lib/onnx/rewrite.ts';
import { decodeModel } from '../tools/forge/onnx/proto.ts';
import {
  argmax,
  cacheTypeOf,
  createSession,
  emptyCache,
  floatData,
  greedyWithoutCache,
  int64Tensor,
  logitsAt,
  maxAbsDifference,
  meanPooled,
  runDecoderStep,
  type DecoderShape,
} from '../tools/forge/testing/ort.ts';

env.allowRemoteModels = false;

/** The folder `npm run forge` writes a demo model to: the app serves it as `<origin>/models/<id>/resolve/main/`. */
export function modelDir(id: string): string {
  return path.resolve('public/models', id, 'resolve/main');
}

async function readJson<T>(id: string, file: string): Promise<T> {
  return JSON.parse(await readFile(path.join(modelDir(id), file), 'utf8')) as T;
}

async function onnxBytes(id: string, dtype: Dtype): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path.join(modelDir(id), weightFile(dtype))));
}

/** The graph at `graph` rewritten for the CPU, its external data files read from beside it. */
async function rewritten(graph: string, target: RewriteTarget) {
  return rewriteOnnx(new Uint8Array(await readFile(graph)), {
    target,
    externalData: await dataFilesBeside(graph),
  });
}

/** The external data files beside `graph` (`model.onnx_data`, `model.onnx_data_1`, …), by name. */
async function dataFilesBeside(graph: string): Promise<Map<string, Uint8Array>> {
  const folder = path.dirname(graph);
  const names = (await readdir(folder)).filter((name) => name.startsWith(`${path.basename(graph)}_data`));
  return new Map(
    await Promise.all(
      names.map(async (name) => [name, new Uint8Array(await readFile(path.join(folder, name)))] as const),
    ),
  );
}

/** A session on `model`, its external data files beside it in a folder of their own (onnxruntime-node reads them by path). */
async function sessionWithData(
  model: Uint8Array,
  externalData: ReadonlyMap<string, Uint8Array>,
): Promise<ort.InferenceSession> {
  if (externalData.size === 0) return createSession(model);
  const folder = await mkdtemp(path.join(tmpdir(), 'glassbox-inside-'));
  await writeFile(path.join(folder, 'model.onnx'), model);
  for (const [name, bytes] of externalData) await writeFile(path.join(folder, name), bytes);
  return createSession(path.join(folder, 'model.onnx'));
}

/** See InsideReference.decodeGaps: `ids[0, replyStart)` as the prompt, the rest fed one at a time. */
async function decodeGapsOf(
  decoder: ort.InferenceSession,
  shape: DecoderShape,
  ids: number[],
  replyStart: number,
  wholeLogits: ort.Tensor,
): Promise<number[]> {
  const whole = floatData(wholeLogits);
  const vocabulary = whole.length / ids.length;
  const gaps: number[] = [];
  let cache = emptyCache(shape, 1, cacheTypeOf(decoder));
  let fed = 0;
  for (let end = replyStart; end < ids.length; end++) {
    const step = await runDecoderStep(decoder, shape, {
      inputIds: [ids.slice(fed, end)],
      attentionMask: [ids.slice(0, end).map(() => 1)],
      positionIds: [ids.slice(fed, end).map((_, index) => fed + index)],
      cache,
    });
    const position = end - 1;
    const decoded = logitsAt(step, 0, end - fed - 1);
    gaps[position] = maxAbsDifference(
      decoded,
      whole.subarray(position * vocabulary, (position + 1) * vocabulary),
    );
    [cache, fed] = [step.cache, end];
  }
  return gaps;
}

/** A greedy reply with, at each step, how far the chosen token's logit led the next one. */
export interface GreedyReply {
  ids: number[];
  margins: number[];
  /** With a rewrite: at each step, the largest difference between its logits and the file's. */
  gaps: number[];
}

/**
 * The greedy reply of `dtype`'s own file (in `dir`, a model folder), by full recomputation, ending at the
 * first end-of-sequence token as generate() does: what the app must give for that download. With
 * `rewrite`, the graph the app rewrites it into for the CPU (src/lib/onnx/rewrite.ts, on the same bytes)
 * reads the same tokens, and each step records how far its logits are from the file's.
 */
export async function referenceGreedyReply(
  id: string,
  dtype: Dtype,
  messages: ChatMessage[],
  maxNewTokens: number,
  { dir = modelDir(id), rewrite }: { dir?: string; rewrite?: RewriteTarget } = {},
): Promise<GreedyReply> {
  const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as LlamaConfig;
  const shape = shapeOf(config);
  const graph = path.join(dir, weightFile(dtype));
  const options = { intraOpNumThreads: 2, interOpNumThreads: 1 };
  // From its path, so that onnxruntime-node finds external data files next to the graph.
  const session = await ort.InferenceSession.create(graph, options);
  const rewrittenSession = rewrite
    ? await ort.InferenceSession.create((await rewritten(graph, rewrite)).model, options)
    : null;
  const sequence = await referencePromptIds(id, messages, dir);
  const logitsAfter = async (decoder: ort.InferenceSession) => {
    const step = await runDecoderStep(decoder, shape, {
      inputIds: [sequence],
      attentionMask: [sequence.map(() => 1)],
      positionIds: [sequence.map((_, position) => position)],
      cache: emptyCache(shape, 1, cacheTypeOf(decoder)),
    });
    return logitsAt(step, 0, sequence.length - 1);
  };
  const reply: GreedyReply = { ids: [], margins: [], gaps: [] };
  while (reply.ids.length < maxNewTokens && reply.ids.at(-1) !== config.eos_token_id) {
    const logits = await logitsAfter(session);
    if (rewrittenSession) reply.gaps.push(maxAbsDifference(logits, await logitsAfter(rewrittenSession)));
    const best = argmax(logits);
    const runnerUp = Math.max(...Array.from(logits).filter((_, index) => index !== best));
    reply.ids.push(best);
    reply.margins.push((logits[best] ?? 0) - runnerUp);
    sequence.push(best);
  }
  await session.release();
  await rewrittenSession?.release();
  return reply;
}

interface LlamaConfig {
  hidden_size: number;
  intermediate_size: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  num_hidden_layers: number;
  head_dim: number;
  vocab_size: number;
  tie_word_embeddings: boolean;
  eos_token_id: number;
}

/** The chat template's token ids for `messages`, with the generation prompt, as the model reads them. */
export async function referencePromptIds(
  id: string,
  messages: ChatMessage[],
  dir = modelDir(id),
): Promise<number[]> {
  const tokenizer = await AutoTokenizer.from_pretrained(dir);
  const { input_ids } = tokenizer.apply_chat_template(messages, {
    add_generation_prompt: true,
    return_dict: true,
    return_tensor: false,
  }) as unknown as { input_ids: number[] };
  return input_ids.map(Number);
}

/**
 * The prompt of the turn after `messages` and a reply whose ids the app kept (`reply.tokenIds`, as generated):
 * the tokens the model read and wrote in that turn (its end-of-turn token left to the template), then the
 * template's text after the reply, tokenized. The turn's prompt begins with all that its KV cache holds.
 */
export async function referencePromptAfterWrittenReply(
  id: string,
  messages: ChatMessage[],
  reply: { content: string; tokenIds: number[] },
  next: ChatMessage[],
): Promise<number[]> {
  const tokenizer = await AutoTokenizer.from_pretrained(modelDir(id));
  const { eos_token_id } = await readJson<LlamaConfig>(id, 'config.json');
  const render = (conversation: ChatMessage[]) =>
    tokenizer.apply_chat_template(conversation, { add_generation_prompt: true, tokenize: false }) as string;
  const turn = render(messages) + reply.content;
  const whole = render([...messages, { role: 'assistant', content: reply.content }, ...next]);
  if (!whole.startsWith(turn)) throw new Error('The chat template rewrites the reply: nothing to keep.');
  const written = reply.tokenIds.at(-1) === eos_token_id ? reply.tokenIds.slice(0, -1) : reply.tokenIds;
  return [
    ...(await referencePromptIds(id, messages)),
    ...written,
    ...tokenizer.encode(whole.slice(turn.length), { add_special_tokens: false }),
  ];
}

const shapeOf = (config: LlamaConfig): DecoderShape => ({
  numLayers: config.num_hidden_layers,
  numKvHeads: config.num_key_value_heads,
  headDim: config.head_dim,
  vocabSize: config.vocab_size,
});

async function decoderOf(id: string) {
  const config = await readJson<LlamaConfig>(id, 'config.json');
  return { config, shape: shapeOf(config), session: await createSession(await onnxBytes(id, 'fp32')) };
}

/**
 * Ids of a greedy fp32 reply, ending at the first end-of-sequence token as generate() does. With a
 * `replyPrefix` (a branch), the reply starts with those tokens and `maxNewTokens` counts them too.
 */
export async function referenceChatTokenIds(
  id: string,
  messages: ChatMessage[],
  maxNewTokens: number,
  replyPrefix: number[] = [],
): Promise<number[]> {
  return referenceReplyTo(id, await referencePromptIds(id, messages), maxNewTokens, replyPrefix);
}

/** {@link referenceChatTokenIds} for a prompt given as token ids. */
export async function referenceReplyTo(
  id: string,
  prompt: number[],
  maxNewTokens: number,
  replyPrefix: number[] = [],
): Promise<number[]> {
  const { config, shape, session } = await decoderOf(id);
  const generated = await greedyWithoutCache(
    session,
    shape,
    [...prompt, ...replyPrefix],
    Math.max(1, maxNewTokens - replyPrefix.length),
  );
  await session.release();
  const end = generated.indexOf(config.eos_token_id);
  return [...replyPrefix, ...(end === -1 ? generated : generated.slice(0, end + 1))];
}

/**
 * The `count` likeliest next tokens after the prompt and `replyPrefix`, as probabilities computed in
 * doubles from fp32 logits: plain softmax, or with `sampling` the distribution sampling draws from
 * (logits / temperature, the top-k kept, then the smallest nucleus reaching top-p, renormalized).
 */
export async function referenceNextTokenCandidates(
  id: string,
  messages: ChatMessage[],
  replyPrefix: number[],
  count: number,
  sampling?: { temperature: number; topK: number; topP: number },
): Promise<{ id: number; prob: number }[]> {
  const sequence = [...(await referencePromptIds(id, messages)), ...replyPrefix];
  const { shape, session } = await decoderOf(id);
  const step = await runDecoderStep(session, shape, {
    inputIds: [sequence],
    attentionMask: [sequence.map(() => 1)],
    positionIds: [sequence.map((_, position) => position)],
    cache: emptyCache(shape, 1),
  });
  await session.release();
  const temperature = sampling?.temperature ?? 1;
  const scaled = Array.from(logitsAt(step, 0, sequence.length - 1), (logit) => logit / temperature);
  const softmax = (logits: { id: number; logit: number }[]) => {
    const max = Math.max(...logits.map((entry) => entry.logit));
    const sum = logits.reduce((total, entry) => total + Math.exp(entry.logit - max), 0);
    return logits.map((entry) => ({ id: entry.id, prob: Math.exp(entry.logit - max) / sum }));
  };
  let kept = scaled
    .map((logit, tokenId) => ({ id: tokenId, logit }))
    .sort((a, b) => b.logit - a.logit || a.id - b.id);
  if (sampling && sampling.topK > 0) kept = kept.slice(0, sampling.topK);
  if (sampling && sampling.topP < 1) {
    let mass = 0;
    const nucleus = softmax(kept).findIndex((entry) => (mass += entry.prob) >= sampling.topP);
    kept = kept.slice(0, nucleus + 1);
  }
  const probs = new Map(softmax(kept).map((entry) => [entry.id, entry.prob]));
  return scaled
    .map((_, tokenId) => ({ id: tokenId, prob: probs.get(tokenId) ?? 0 }))
    .sort((a, b) => b.prob - a.prob || a.id - b.id)
    .slice(0, count);
}

/** Mean-pooled, L2-normalized fp32 vectors, one per sentence. */
export async function referenceEmbeddings(id: string, sentences: string[]): Promise<number[][]> {
  const tokenizer = await AutoTokenizer.from_pretrained(modelDir(id));
  const session = await createSession(await onnxBytes(id, 'fp32'));
  const rows = await Promise.all(
    sentences.map(async (sentence) => {
      const ids = (tokenizer.encode(sentence) as number[]).map(Number);
      const [pooled] = await meanPooled(session, [ids], [ids.map(() => 1)]);
      if (!pooled) throw new Error('the encoder returned no vector');
      const norm = Math.hypot(...pooled);
      return Array.from(pooled, (value) => value / norm);
    }),
  );
  await session.release();
  return rows;
}

/** LLaMA parameters from config.json: embeddings, per-layer attention, MLP and norms, final norm, lm_head. */
export async function referenceParameterCount(id: string): Promise<number> {
  const c = await readJson<LlamaConfig>(id, 'config.json');
  const h = c.hidden_size;
  const attention = h * c.num_attention_heads * c.head_dim * 2 + h * c.num_key_value_heads * c.head_dim * 2;
  const mlp = 3 * h * c.intermediate_size;
  const layer = attention + mlp + 2 * h;
  const embeddings = c.vocab_size * h;
  return embeddings + c.num_hidden_layers * layer + h + (c.tie_word_embeddings ? 0 : embeddings);
}

/** The initializers of a forged ONNX file, decoded with the forge's own protobuf schema. */
export async function referenceOnnxInitializers(
  id: string,
  dtype: Dtype,
): Promise<{ name: string; dims: number[] }[]> {
  const model = decodeModel(await onnxBytes(id, dtype));
  return model.graph.initializers.map((tensor) => ({ name: tensor.name, dims: [...tensor.dims] }));
}

/** The smallest and largest value of one fp32 initializer, read with the forge's own decoder. */
export async function referenceInitializerRange(
  id: string,
  name: string,
): Promise<{ min: number; max: number }> {
  const tensor = decodeModel(await onnxBytes(id, 'fp32')).graph.initializers.find((t) => t.name === name);
  if (tensor?.dtype !== 'float32') throw new Error(`${id} has no float32 initializer ${name}`);
  const values = new Float32Array(tensor.data.slice().buffer);
  return { min: Math.min(...values), max: Math.max(...values) };
}

/** The token ids the model's tokenizer makes of `text`, special tokens included (as the model reads it). */
export async function referenceTokenIds(id: string, text: string): Promise<number[]> {
  const tokenizer = await AutoTokenizer.from_pretrained(modelDir(id));
  return (tokenizer.encode(text) as number[]).map(Number);
}

/** What Look inside must show for `ids` (prompt and reply) through the fp32 model, computed in Node. */
export interface InsideReference {
  layers: number;
  /** [layer][position]: the lens's likeliest token and its probability. */
  top: { id: number; prob: number }[][];
  /**
   * [position]: the token chosen after each position: the reply's next token from `replyStart - 1` on,
   * elsewhere the last layer's likeliest (as src/engine/tasks/lookInside.ts colours the lens).
   */
  chosen: number[];
  /**
   * [position]: how far, in logits, the last layer's likeliest token leads the token that came next in
   * `ids` (0 where they are the same): small leads are near-ties two runtimes may break differently.
   */
  leadOverNext: number[];
  /**
   * With `replyStart`, [position]: the largest difference between the whole sequence's logits at a reply
   * position and those of decoding as the app does (the prompt at once, then a token at a time with the
   * KV cache). Where activations are quantized per tensor (int8), the two runs scale them differently.
   */
  decodeGaps: number[];
  /** [layer][position]: each layer's probability of `chosen`. */
  chosenProbs: number[][];
  /** [layer][position]: the residual stream's L2 norm. */
  norms: number[][];
  /** [layer]: attention probabilities [heads × query × key]; none where attention is fused. */
  attention: Float32Array[];
  heads: number;
}

/**
 * The instrumented decoder and its lens head (src/lib/onnx) run teacher-forced in onnxruntime-node, from
 * `dtype`'s graph in the model's folder (`dir`: the demo models' by default), or from the graph the app
 * rewrites it into for the CPU (`rewrite`): the very file Look inside instruments in the browser.
 */
export async function referenceInside(
  id: string,
  ids: number[],
  {
    dir = modelDir(id),
    dtype = 'fp32',
    rewrite,
    replyStart,
  }: { dir?: string; dtype?: Dtype; rewrite?: RewriteTarget | null; replyStart?: number } = {},
): Promise<InsideReference> {
  const graph = path.join(dir, weightFile(dtype));
  const cpuForm = rewrite ? await rewritten(graph, rewrite) : null;
  if (cpuForm?.externalData) throw new Error(`${id}'s ${rewrite} form is too large for this reference.`);
  const bytes = cpuForm?.model ?? new Uint8Array(await readFile(graph));
  const externalData = cpuForm ? new Map<string, Uint8Array>() : await dataFilesBeside(graph);
  const { model, layout } = await instrumentDecoder(bytes);
  const { model: head, topK } = await buildLensHead(bytes, { externalData });
  const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as LlamaConfig;
  const shape = shapeOf(config);
  const decoder = await sessionWithData(model, externalData);
  const lens = await createSession(head);
  const feeds: Record<string, ort.Tensor> = {
    input_ids: int64Tensor([ids]),
    attention_mask: int64Tensor([ids.map(() => 1)]),
    position_ids: int64Tensor([ids.map((_, position) => position)]),
  };
  emptyCache(shape, 1, cacheTypeOf(decoder)).forEach((layer, index) => {
    feeds[`past_key_values.${index}.key`] = layer.key;
    feeds[`past_key_values.${index}.value`] = layer.value;
  });
  const outputs = await decoder.run(feeds);
  const positions = ids.length;
  const seen = await Promise.all(
    layout.layers.map((layer) => lens.run({ [LENS.hidden]: outputs[layer.residual] as ort.Tensor })),
  );
  const lastSeen = seen.at(-1);
  const lastTop = lastSeen?.[LENS.topIndices]?.data as BigInt64Array;
  const firstChoices = Array.from({ length: positions }, (_, position) => Number(lastTop[position * topK]));
  const chosen = firstChoices.map((first, position) =>
    replyStart !== undefined && position >= replyStart - 1 && position < positions - 1
      ? (ids[position + 1] ?? 0)
      : first,
  );
  const lastProbs = floatData(lastSeen?.[LENS.probs] as ort.Tensor);
  const vocabulary = lastProbs.length / positions;
  const leadOverNext = ids.slice(1).map((next, position) => {
    const row = position * vocabulary;
    return (
      Math.log(lastProbs[row + (firstChoices[position] ?? 0)] ?? 0) - Math.log(lastProbs[row + next] ?? 0)
    );
  });
  // A fused attention op keeps its probabilities inside: no layer has them then.
  const attention = layout.layers.flatMap((layer) =>
    layer.attention ? [floatData(outputs[layer.attention] as ort.Tensor)] : [],
  );
  const decodeGaps = replyStart
    ? await decodeGapsOf(decoder, shape, ids, replyStart, outputs['logits'] as ort.Tensor)
    : [];
  return {
    layers: layout.layers.length,
    top: seen.map((out) => {
      const indices = out[LENS.topIndices]?.data as BigInt64Array;
      const values = floatData(out[LENS.topValues] as ort.Tensor);
      return Array.from({ length: positions }, (_, position) => ({
        id: Number(indices[position * topK]),
        prob: values[position * topK] ?? 0,
      }));
    }),
    chosen,
    leadOverNext,
    decodeGaps,
    chosenProbs: seen.map((out) => {
      const probs = floatData(out[LENS.probs] as ort.Tensor);
      const vocabulary = probs.length / positions;
      return chosen.map((token, position) => probs[position * vocabulary + token] ?? 0);
    }),
    norms: layout.layers.map((layer) => {
      const values = floatData(outputs[layer.residual] as ort.Tensor);
      return Array.from({ length: positions }, (_, position) =>
        Math.hypot(...values.subarray(position * layout.hiddenSize, (position + 1) * layout.hiddenSize)),
      );
    }),
    attention,
    heads: (outputs[layout.layers[0]?.attention ?? ''] as ort.Tensor | undefined)?.dims[1] ?? 0,
  };
}
