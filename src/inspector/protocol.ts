/**
 * The inspector worker's API: it reads a model's files (from the device's store when they are there,
 * else from its host) and answers with structure, statistics and slices, never whole tensors. Calls go
 * through lib/workerRpc.ts.
 */
import type { Dtype } from '../core/model.ts';
import type { GraphOutline } from '../lib/onnx/outline.ts';
import type { TensorStats, Window } from '../lib/onnx/stats.ts';
import type { OnnxSummary } from '../lib/onnx/summary.ts';
import type { QuantizedBlock } from '../lib/onnx/tensorData.ts';
import type { SafetensorsReport } from '../lib/safetensors.ts';
import type { Method } from '../lib/workerRpc.ts';

/** A model to open: loaded or not, on the device or only on its host. */
export interface InspectTarget {
  host: string;
  modelId: string;
  dtype: Dtype;
}

export interface TokenizerInfo {
  /** The tokenizer model: BPE, WordPiece, Unigram, WordLevel. */
  type: string;
  vocabSize: number;
  specialTokens: { id: number; content: string }[];
  normalizer: string | null;
  preTokenizer: string | null;
  chatTemplate: string | null;
}

export interface OpenedModel {
  target: InspectTarget;
  /** `onnx/model_q4.onnx` */
  file: string;
  fileBytes: number;
  fromStore: boolean;
  /** Time to read the file's structure (not to download it). */
  parseMs: number;
  summary: OnnxSummary;
  outline: GraphOutline;
  config: Record<string, unknown> | null;
  tokenizer: TokenizerInfo | null;
  /** The model card (README.md) as written; null when the repository has none. */
  readme: string | null;
  /** The fp32 file is on this device too: quantized tensors can be compared with it. */
  hasFullPrecisionSibling: boolean;
}

export interface TensorReport {
  name: string;
  storedDtype: string;
  /** The real values' shape: `[K, N]` for a MatMulNBits weight, else the stored shape. */
  dims: number[];
  stats: TensorStats;
  histogram: { min: number; max: number; counts: number[] };
  heatmap: { cells: Float32Array; height: number; width: number; window: Window; rows: number; cols: number };
  quantization: {
    scheme: 'nbits' | 'linear';
    /** `4-bit blocks of 32, with zero points` */
    description: string;
    /** Which block `block` shows: `column 0, block 0 (rows 0–31)`. */
    where: string;
    block: QuantizedBlock;
  } | null;
  /** Error of the dequantized values against the fp32 file's tensor, when that file is on the device. */
  error: { against: string; maxAbs: number; rms: number; relativeRms: number } | null;
}

/** The progress of reading a model file (bytes). */
export interface ReadProgress {
  loaded: number;
  total: number;
}

export interface VocabularyPage {
  entries: { id: number; token: string }[];
  /** How many tokens match in all (the page holds the first `limit`). */
  matches: number;
}

export type InspectorApi = {
  /** Reads a model's graph file (and its config, tokenizer and card); opening another stops it. */
  open: Method<{ target: InspectTarget }, OpenedModel, ReadProgress>;
  /** Statistics of the open model's tensor; `window` zooms the heatmap, `column`/`block` pick the block shown. */
  tensor: Method<{ name: string; window: Window | null; column: number; block: number }, TensorReport>;
  vocab: Method<{ query: string; limit: number }, VocabularyPage>;
  /** A repository's safetensors headers, read with Range requests: no weights are downloaded. */
  headers: Method<{ host: string; modelId: string }, SafetensorsReport>;
};
