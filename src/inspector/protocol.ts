/**
 * Requests to the inspector worker, which reads a model's files (from the device's store when they are
 * there, else from its host) and answers with structure, statistics and slices, never whole tensors.
 */
import type { Dtype, EngineErrorData, RequestId } from '../engine/protocol.ts';
import type { GraphOutline } from '../lib/onnx/outline.ts';
import type { TensorStats, Window } from '../lib/onnx/stats.ts';
import type { OnnxSummary } from '../lib/onnx/summary.ts';
import type { QuantizedBlock } from '../lib/onnx/tensorData.ts';
import type { SafetensorsReport } from '../lib/safetensors.ts';

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

export type InspectorRequest =
  | { type: 'open'; id: RequestId; target: InspectTarget }
  /** Statistics of the open model's tensor; `window` zooms the heatmap, `column`/`block` pick the block shown. */
  | { type: 'tensor'; id: RequestId; name: string; window: Window | null; column: number; block: number }
  | { type: 'vocab'; id: RequestId; query: string; limit: number }
  /** A repository's safetensors headers, read with Range requests: no weights are downloaded. */
  | { type: 'headers'; id: RequestId; host: string; modelId: string }
  /** Stops reading the model file being opened. */
  | { type: 'cancel'; id: RequestId };

export type InspectorEvent =
  | { type: 'read-progress'; id: RequestId; loaded: number; total: number }
  | { type: 'opened'; id: RequestId; model: OpenedModel }
  | { type: 'tensor-report'; id: RequestId; report: TensorReport }
  | { type: 'vocab-page'; id: RequestId; entries: { id: number; token: string }[]; matches: number }
  | { type: 'headers-read'; id: RequestId; report: SafetensorsReport }
  | { type: 'error'; id: RequestId; error: EngineErrorData };
