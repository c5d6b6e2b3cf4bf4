/**
 * The models the app offers (catalogModels.ts) and what to load of them: the catalog in order, lookups,
 * and the weight format to load on a backend.
 *
 *   findModel('glassbox/tiny-chat')?.forged                          // → true
 *   findModel('HuggingFaceTB/SmolLM2-135M-Instruct')?.sizes.q4       // → 200_000_000 (bytes)
 *   appDtypeFor(findModel('onnx-community/Llama-3.2-1B-Instruct')!, 'wasm') // → 'q8'
 */
import { DTYPES, FLOAT16_DTYPES, type Backend, type Dtype, type ModelTask } from '../core/model.ts';
import type { Bytes, CatalogModel } from './catalogEntry.ts';
import { DEMO_MODELS, HUB_MODELS } from './catalogModels.ts';

/**
 * On WASM the weights live in the tab's 32-bit linear memory, at most 4 GiB, which also holds the
 * activations and the KV cache. This project recommends a WASM format only when its files fit in
 * half of that. Within the budget the order is the benchmark's (`npm run bench`, bench/results/latest.md,
 * SmolLM2-135M- and MiniLM-L6-shaped forged models in the tab on WASM):
 * - chat decodes one token at a time, where fp32 is as fast as q8 with all threads and faster on one,
 *   and exact: fp32, then q8;
 * - embeddings (and long prompts) run whole sentences through the matrices, where q8 is twice as fast
 *   as fp32: q8, then fp32;
 * - the other 8-bit formats (int8, uint8) next, then fp16 (run as fp32, half the download);
 * - 4-bit (MatMulNBits) last: ONNX Runtime Web decoded it 5-9x slower than q8 or fp32. That report predates
 *   the rewrite that now runs 4-bit as int8 on WASM (engine/worker/cpuForm.ts); the next report decides
 *   whether it moves up.
 * On WebGPU the recommendation is what the model card or the official Transformers.js example loads
 * there (q4f16 for the chat models); without `shader-f16` (SwiftShader lacks it) no float16 format runs,
 * and q4 comes first.
 */
export const WASM_WEIGHT_BUDGET = 2_000_000_000 as Bytes;

/** WASM's order per task as above; WebGPU's fallback order when the recommendation is not loadable yet. */
const APP_DTYPE_ORDER = Object.freeze({
  wasm: {
    'text-generation': ['fp32', 'q8', 'int8', 'uint8', 'fp16', 'q4', 'q4f16', 'bnb4'],
    'feature-extraction': ['q8', 'int8', 'uint8', 'fp32', 'fp16', 'q4', 'q4f16', 'bnb4'],
  },
  webgpu: {
    'text-generation': ['q4f16', 'q4', 'fp16', 'fp32', 'q8', 'int8', 'uint8', 'bnb4'],
    'feature-extraction': ['q4f16', 'q4', 'fp16', 'fp32', 'q8', 'int8', 'uint8', 'bnb4'],
  },
} as const satisfies Record<Backend, Record<ModelTask, readonly Dtype[]>>);

/** Every model the app knows: the forged demo models first, then the curated Hub models. */
export const CATALOG: readonly CatalogModel[] = Object.freeze([...DEMO_MODELS, ...HUB_MODELS]);

export const DEFAULT_CHAT_MODEL_ID = 'glassbox/tiny-chat';
export const DEFAULT_EMBEDDING_MODEL_ID = 'glassbox/tiny-embed';

export function findModel(id: string): CatalogModel | undefined {
  return CATALOG.find((model) => model.id === id);
}

/**
 * The dtype to load on `backend` among the published `sizes`: the recommendation when it runs there,
 * else the first in the backend's order for the task (on WASM: the first that fits its memory budget);
 * null if none (for example Qwen3 0.6B, whose only known file is q4f16, on a GPU without `shader-f16`).
 * `float16`: whether the backend runs float16 math here (engine/backend.ts `runsFloat16`).
 */
export function chooseDtype(
  backend: Backend,
  sizes: Readonly<Partial<Record<Dtype, number | null>>>,
  recommended: Dtype | null = null,
  task: ModelTask = 'text-generation',
  float16 = true,
): Dtype | null {
  const available = DTYPES.filter((dtype) => dtype in sizes && (float16 || !FLOAT16_DTYPES.includes(dtype)));
  if (recommended !== null && available.includes(recommended)) return recommended;
  const fits = (dtype: Dtype) => backend !== 'wasm' || (sizes[dtype] ?? 0) <= WASM_WEIGHT_BUDGET;
  return APP_DTYPE_ORDER[backend][task].find((dtype) => available.includes(dtype) && fits(dtype)) ?? null;
}

/** The dtype to load of a catalog model on `backend` (`float16` as for chooseDtype). */
export function appDtypeFor(model: CatalogModel, backend: Backend, float16 = true): Dtype | null {
  return chooseDtype(backend, model.sizes, model.recommended[backend], model.task, float16);
}

/** The host, in Hugging Face layout, where the app serves its own demo models. */
export function appModelHost(): string {
  return new URL(`${import.meta.env.BASE_URL}models`, self.location.href).href;
}
