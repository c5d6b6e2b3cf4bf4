/**
 * The models the app offers (catalogModels.ts) and what to load of them: the catalog in order, lookups,
 * and the weight format to load on a backend.
 *
 *   findModel('glassbox/tiny-chat')?.forged                          // → true
 *   findModel('HuggingFaceTB/SmolLM2-135M-Instruct')?.sizes.q4       // → 200_000_000 (bytes)
 *   appDtypeFor(findModel('onnx-community/Llama-3.2-1B-Instruct')!, 'wasm') // → 'q8' (its q4f16 runs too large)
 */
import { DTYPES, FLOAT16_DTYPES, type Backend, type Dtype } from '../core/model.ts';
import { weightsInTab } from '../core/runningForm.ts';
import type { Bytes, CatalogModel } from './catalogEntry.ts';
import { DEMO_MODELS, HUB_MODELS } from './catalogModels.ts';

/**
 * On WASM the weights live in the tab's 32-bit linear memory, at most 4 GiB, which also holds the
 * activations and the KV cache. This project recommends a WASM format only when its weights, as they run
 * there (core/runningForm.ts: 4-bit as int8, fp16 as fp32), fit in half of that.
 * Within the budget, the order comes from the benchmark (`npm run bench`, bench/results/latest.md: the
 * SmolLM2-135M- and MiniLM-L6-shaped forged models in the tab on WASM):
 * - every 8-bit and 4-bit format runs as int8 matrix products there (4-bit rewritten at its first load,
 *   engine/worker/cpuForm.ts): decode within 0.84-0.96× of fp32 and the q8 file, prefill and embeddings
 *   1.6-2× fp32's, at half fp32's memory or less; of these, the smallest download, as a classroom
 *   downloads it thirty times.
 *   Formats of unknown size come after those of known size, q8 first;
 * - then fp32 (exact, larger and slower), fp16 (run as fp32) and bnb4 (run as downloaded).
 * On WebGPU the recommendation is what the model card or the official Transformers.js example loads
 * there (q4f16 for the chat models); without `shader-f16` (SwiftShader lacks it) no float16 format runs,
 * and q4 comes first.
 */
export const WASM_WEIGHT_BUDGET = 2_000_000_000 as Bytes;

/** On WASM: the formats that run as int8 products, in the order taken among those of unknown size. */
const WASM_INTEGER_FORMATS: readonly Dtype[] = ['q8', 'q4', 'q4f16', 'int8', 'uint8'];
const WASM_FLOAT_FORMATS: readonly Dtype[] = ['fp32', 'fp16', 'bnb4'];

/** WebGPU's order when the recommendation does not run. */
const WEBGPU_DTYPE_ORDER: readonly Dtype[] = ['q4f16', 'q4', 'fp16', 'fp32', 'q8', 'int8', 'uint8', 'bnb4'];

/** Every model the app knows: the forged demo models first, then the curated Hub models. */
export const CATALOG: readonly CatalogModel[] = Object.freeze([...DEMO_MODELS, ...HUB_MODELS]);

export const DEFAULT_CHAT_MODEL_ID = 'glassbox/tiny-chat';
export const DEFAULT_EMBEDDING_MODEL_ID = 'glassbox/tiny-embed';

export function findModel(id: string): CatalogModel | undefined {
  return CATALOG.find((model) => model.id === id);
}

/**
 * The dtype to load on `backend` among the published `sizes`: the recommendation when it runs there,
 * else the backend's choice as above (on WASM, the smallest integer format whose weights fit the budget);
 * null if none (for example Qwen3 0.6B, whose only known file is q4f16, on a GPU without `shader-f16`).
 * `float16`: whether the backend runs float16 math here (engine/backend.ts `runsFloat16`).
 */
export function chooseDtype(
  backend: Backend,
  sizes: Readonly<Partial<Record<Dtype, number | null>>>,
  recommended: Dtype | null = null,
  float16 = true,
): Dtype | null {
  const available = DTYPES.filter((dtype) => dtype in sizes && (float16 || !FLOAT16_DTYPES.includes(dtype)));
  if (recommended !== null && available.includes(recommended)) return recommended;
  if (backend === 'webgpu') return WEBGPU_DTYPE_ORDER.find((dtype) => available.includes(dtype)) ?? null;
  const sizeOf = (dtype: Dtype) => sizes[dtype] ?? Infinity;
  const fits = (dtype: Dtype) =>
    sizes[dtype] == null || weightsInTab(dtype, backend, sizeOf(dtype)).bytes <= WASM_WEIGHT_BUDGET;
  const integer = WASM_INTEGER_FORMATS.filter((dtype) => available.includes(dtype) && fits(dtype));
  // Of equal or unknown sizes, the first in WASM_INTEGER_FORMATS' order.
  const smallest = integer.reduce<Dtype | null>(
    (best, dtype) => (best === null || sizeOf(dtype) < sizeOf(best) ? dtype : best),
    null,
  );
  return smallest ?? WASM_FLOAT_FORMATS.find((dtype) => available.includes(dtype) && fits(dtype)) ?? null;
}

/** The dtype to load of a catalog model on `backend` (`float16` as for chooseDtype). */
export function appDtypeFor(model: CatalogModel, backend: Backend, float16 = true): Dtype | null {
  return chooseDtype(backend, model.sizes, model.recommended[backend], float16);
}

/** The host, in Hugging Face layout, where the app serves its own demo models. */
export function appModelHost(): string {
  return new URL(`${import.meta.env.BASE_URL}models`, self.location.href).href;
}
