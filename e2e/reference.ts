/**
 * What the browser must reproduce, computed in Node with onnxruntime-node on the same forged files the
 * app serves: greedy tokens by full recomputation (no KV cache, unlike the app), mean-pooled vectors,
 * and parameter counts from config.json alone.
 *
 *   await referenceChatTokenIds('glassbox/tiny-chat', [{ role: 'user', content: 'Hi' }], 24) // → [318, 77, …]
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { decodeModel } from '../tools/forge/onnx/proto.ts';
import { createSession, greedyWithoutCache, meanPooled } from '../tools/forge/testing/ort.ts';
import type { ChatMessage, Dtype } from '../src/engine/protocol.ts';
import { DTYPE_FILE_SUFFIX } from '../src/engine/protocol.ts';

env.allowRemoteModels = false;

/** The folder `npm run forge` writes a demo model to: the app serves it as `<origin>/models/<id>/resolve/main/`. */
export function modelDir(id: string): string {
  return path.resolve('public/models', id, 'resolve/main');
}

async function readJson<T>(id: string, file: string): Promise<T> {
  return JSON.parse(await readFile(path.join(modelDir(id), file), 'utf8')) as T;
}

async function onnxBytes(id: string, dtype: Dtype): Promise<Uint8Array> {
  return new Uint8Array(
    await readFile(path.join(modelDir(id), `onnx/model${DTYPE_FILE_SUFFIX[dtype]}.onnx`)),
  );
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
export async function referencePromptIds(id: string, messages: ChatMessage[]): Promise<number[]> {
  const tokenizer = await AutoTokenizer.from_pretrained(modelDir(id));
  const { input_ids } = tokenizer.apply_chat_template(messages, {
    add_generation_prompt: true,
    return_dict: true,
    return_tensor: false,
  }) as unknown as { input_ids: number[] };
  return input_ids.map(Number);
}

/** Generated ids of a greedy fp32 reply, ending at the first end-of-sequence token as generate() does. */
export async function referenceChatTokenIds(
  id: string,
  messages: ChatMessage[],
  maxNewTokens: number,
): Promise<number[]> {
  const prompt = await referencePromptIds(id, messages);
  const config = await readJson<LlamaConfig>(id, 'config.json');
  const session = await createSession(await onnxBytes(id, 'fp32'));
  const tokens = await greedyWithoutCache(
    session,
    {
      numLayers: config.num_hidden_layers,
      numKvHeads: config.num_key_value_heads,
      headDim: config.head_dim,
      vocabSize: config.vocab_size,
    },
    prompt,
    maxNewTokens,
  );
  await session.release();
  const end = tokens.indexOf(config.eos_token_id);
  return end === -1 ? tokens : tokens.slice(0, end + 1);
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
