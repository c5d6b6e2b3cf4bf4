/**
 * The inspector worker: reads a model's files (from the device's model store when they are stored, so
 * nothing is downloaded twice) and answers with structure, statistics and small slices, off the UI
 * thread. The ONNX file is held once, here; tensors are decoded one at a time when asked for.
 * It may not import React, zustand or transformers.js.
 */
import { DTYPE_FILE_SUFFIX, modelFileUrl } from '../engine/protocol.ts';
import { outlineGraph } from '../lib/onnx/outline.ts';
import { downsample, histogram, matrixShape, tensorStats, type Window } from '../lib/onnx/stats.ts';
import { summarizeOnnx, type OnnxSummary } from '../lib/onnx/summary.ts';
import {
  dequantize,
  fullPrecisionName,
  quantizationOf,
  quantizedBlock,
  tensorValues,
  type Quantization,
} from '../lib/onnx/tensorData.ts';
import { elementsOf, headerLength, parseHeader, type SafetensorsReport } from '../lib/safetensors.ts';
import { ModelStore } from '../models/storage/modelStore.ts';
import type {
  InspectorEvent,
  InspectorRequest,
  InspectTarget,
  TensorReport,
  TokenizerInfo,
} from './protocol.ts';

const store = new ModelStore();
const HISTOGRAM_BINS = 64;
const HEATMAP_CELLS = 128;

function post(event: InspectorEvent, transfer: Transferable[] = []): void {
  self.postMessage(event, { transfer });
}

class NotFound extends Error {}

/** A file of the model: the stored copy if there is one, else downloaded (with progress) from its host. */
async function readFile(
  target: { host: string; modelId: string },
  path: string,
  onProgress?: (loaded: number, total: number) => void,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; fromStore: boolean }> {
  const stored = await store.file(target.host, target.modelId, path);
  if (stored) return { bytes: new Uint8Array(await stored.arrayBuffer()), fromStore: true };
  const url = modelFileUrl(target.host, target.modelId, path);
  const response = await fetch(url, { signal });
  if (response.status === 404) throw new NotFound(`${url} does not exist.`);
  if (!response.ok || !response.body)
    throw new Error(`${url} answered ${response.status} ${response.statusText}.`);
  const total = Number(response.headers.get('content-length') ?? 0);
  // Written straight into one buffer when the size is known: a large model is never held twice.
  let buffer = new Uint8Array(total);
  let loaded = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.length > buffer.length) {
      const grown = new Uint8Array(Math.max(buffer.length * 2, loaded + value.length));
      grown.set(buffer.subarray(0, loaded));
      buffer = grown;
    }
    buffer.set(value, loaded);
    loaded += value.length;
    onProgress?.(loaded, total);
  }
  return { bytes: loaded === buffer.length ? buffer : buffer.subarray(0, loaded), fromStore: false };
}

async function optionalText(target: InspectTarget, path: string): Promise<string | null> {
  try {
    return new TextDecoder().decode((await readFile(target, path)).bytes);
  } catch (error) {
    if (error instanceof NotFound) return null;
    throw error;
  }
}

interface OpenFile {
  summary: OnnxSummary;
  bytes: Uint8Array;
  /** External data files by location, read when a tensor first needs them. */
  external: Map<string, Uint8Array>;
}

let current: { target: InspectTarget; file: OpenFile; tokenizerJson: Record<string, unknown> | null } | null =
  null;
let fullPrecision: OpenFile | null = null;
/** Decoded tensors of the open file, the last few only. */
const decoded = new Map<string, Float32Array>();

async function openFile(
  target: InspectTarget,
  path: string,
  onProgress?: (loaded: number, total: number) => void,
  signal?: AbortSignal,
) {
  const { bytes, fromStore } = await readFile(target, path, onProgress, signal);
  const started = performance.now();
  const summary = summarizeOnnx(bytes);
  const external = new Map<string, Uint8Array>();
  const folder = path.slice(0, path.lastIndexOf('/') + 1);
  for (const location of new Set(
    summary.initializers.flatMap((t) => (t.payload.kind === 'external' ? [t.payload.location] : [])),
  )) {
    external.set(location, (await readFile(target, folder + location, undefined, signal)).bytes);
  }
  return { file: { summary, bytes, external }, fromStore, parseMs: performance.now() - started };
}

function tokenizerInfo(json: Record<string, unknown>, configText: string | null): TokenizerInfo {
  const model = (json['model'] ?? {}) as { type?: string; vocab?: unknown };
  const added = Array.isArray(json['added_tokens'])
    ? (json['added_tokens'] as { id: number; content: string; special?: boolean }[])
    : [];
  const vocab = model.vocab;
  const vocabSize = Array.isArray(vocab)
    ? vocab.length
    : vocab && typeof vocab === 'object'
      ? Object.keys(vocab).length
      : 0;
  const typeOf = (value: unknown) => (value as { type?: string } | null)?.type ?? null;
  const config = configText ? (JSON.parse(configText) as { chat_template?: unknown }) : {};
  const addedOutside = added.filter((token) => token.id >= vocabSize).length;
  return {
    type: model.type ?? (Array.isArray(vocab) ? 'Unigram' : 'unknown'),
    vocabSize: vocabSize + addedOutside,
    specialTokens: added.filter((token) => token.special).map(({ id, content }) => ({ id, content })),
    normalizer: typeOf(json['normalizer']),
    preTokenizer: typeOf(json['pre_tokenizer']),
    chatTemplate: typeof config.chat_template === 'string' ? config.chat_template : null,
  };
}

/** The model file being read: opening another model or Cancel stops it (it may be gigabytes). */
let reading: AbortController | null = null;

async function open(id: number, target: InspectTarget): Promise<void> {
  const path = `onnx/model${DTYPE_FILE_SUFFIX[target.dtype]}.onnx`;
  reading?.abort();
  const controller = new AbortController();
  reading = controller;
  current = null;
  fullPrecision = null;
  decoded.clear();
  let lastReport = 0;
  const { file, fromStore, parseMs } = await openFile(
    target,
    path,
    (loaded, total) => {
      if (performance.now() - lastReport < 100) return;
      lastReport = performance.now();
      post({ type: 'read-progress', id, loaded, total });
    },
    controller.signal,
  );
  if (reading === controller) reading = null;
  const [configText, tokenizerText, tokenizerConfigText, readme] = await Promise.all([
    optionalText(target, 'config.json'),
    optionalText(target, 'tokenizer.json'),
    optionalText(target, 'tokenizer_config.json'),
    optionalText(target, 'README.md'),
  ]);
  const tokenizerJson = tokenizerText ? (JSON.parse(tokenizerText) as Record<string, unknown>) : null;
  current = { target, file, tokenizerJson };
  const sibling =
    target.dtype === 'fp32' ? null : await store.file(target.host, target.modelId, 'onnx/model.onnx');
  post({
    type: 'opened',
    id,
    model: {
      target,
      file: path,
      fileBytes: file.bytes.byteLength,
      fromStore,
      parseMs,
      summary: file.summary,
      outline: outlineGraph(file.summary),
      config: configText ? (JSON.parse(configText) as Record<string, unknown>) : null,
      tokenizer: tokenizerJson ? tokenizerInfo(tokenizerJson, tokenizerConfigText) : null,
      readme,
      hasFullPrecisionSibling: sibling !== null,
    },
  });
}

function valuesOf(file: OpenFile, name: string): Float32Array {
  const tensor = file.summary.initializers.find((candidate) => candidate.name === name);
  if (!tensor) throw new Error(`The model has no tensor ${name}.`);
  return tensorValues(tensor, file.bytes, (location, offset, length) => {
    const bytes = file.external.get(location);
    if (!bytes) throw new Error(`${location} was not read.`);
    return bytes.subarray(offset, offset + length);
  });
}

/** The tensor's real values (dequantized when stored quantized), kept for the next requests. */
function realValues(
  file: OpenFile,
  name: string,
  quantization: Quantization | null,
  dims: number[],
): Float32Array {
  const cached = decoded.get(name);
  if (cached) return cached;
  const values = quantization
    ? dequantize(quantization, (part) => valuesOf(file, part), dims)
    : valuesOf(file, name);
  if (decoded.size >= 4) decoded.delete(decoded.keys().next().value ?? '');
  decoded.set(name, values);
  return values;
}

function describe(quantization: Quantization): string {
  if (quantization.scheme === 'nbits') {
    return `${quantization.bits}-bit integers in blocks of ${quantization.blockSize} along K, one scale${quantization.zeroPoints ? ' and zero point' : ''} per block (MatMulNBits)`;
  }
  return `8-bit integers with ${quantization.axis === null ? 'one scale for the whole tensor' : `a scale per channel of axis ${quantization.axis}`}${quantization.zeroPoint ? ' and a zero point' : ''}`;
}

async function fullPrecisionError(
  target: InspectTarget,
  name: string,
  values: Float32Array,
): Promise<TensorReport['error']> {
  if (target.dtype === 'fp32' || !(await store.file(target.host, target.modelId, 'onnx/model.onnx')))
    return null;
  fullPrecision ??= (await openFile(target, 'onnx/model.onnx')).file;
  const siblingName = fullPrecisionName(name);
  if (!fullPrecision.summary.initializers.some((tensor) => tensor.name === siblingName)) return null;
  const reference = valuesOf(fullPrecision, siblingName);
  if (reference.length !== values.length) return null;
  let maxAbs = 0;
  let squares = 0;
  let referenceSquares = 0;
  reference.forEach((expected, index) => {
    const difference = (values[index] ?? 0) - expected;
    maxAbs = Math.max(maxAbs, Math.abs(difference));
    squares += difference * difference;
    referenceSquares += expected * expected;
  });
  const rms = Math.sqrt(squares / reference.length);
  return {
    against: siblingName,
    maxAbs,
    rms,
    relativeRms: referenceSquares ? rms / Math.sqrt(referenceSquares / reference.length) : 0,
  };
}

async function tensorReport(
  id: number,
  name: string,
  window: Window | null,
  column: number,
  block: number,
): Promise<void> {
  if (!current) throw new Error('No model is open.');
  const { file, target } = current;
  const tensor = file.summary.initializers.find((candidate) => candidate.name === name);
  if (!tensor) throw new Error(`The model has no tensor ${name}.`);
  const quantization = quantizationOf(file.summary, name);
  const dims = quantization?.scheme === 'nbits' ? [quantization.K, quantization.N] : tensor.dims;
  const values = realValues(file, name, quantization, dims);
  const stats = tensorStats(values);
  const { rows, cols } = matrixShape(dims);
  const view = window ?? { row: 0, col: 0, rows, cols };
  const heatmap = downsample(values, cols, view, HEATMAP_CELLS);
  const lookup = (part: string) => valuesOf(file, part);
  const report: TensorReport = {
    name,
    storedDtype: tensor.dtype,
    dims,
    stats,
    histogram: {
      min: stats.min,
      max: stats.max,
      counts: histogram(values, HISTOGRAM_BINS, stats.min, stats.max),
    },
    heatmap: { ...heatmap, window: view, rows, cols },
    quantization: quantization && {
      scheme: quantization.scheme,
      description: describe(quantization),
      where:
        quantization.scheme === 'nbits'
          ? `output column ${column}, block ${block} (rows ${block * quantization.blockSize}–${Math.min((block + 1) * quantization.blockSize, quantization.K) - 1})`
          : 'the first 16 values',
      block: quantizedBlock(quantization, lookup, column, block),
    },
    error: quantization ? await fullPrecisionError(target, name, values) : null,
  };
  post({ type: 'tensor-report', id, report }, [report.heatmap.cells.buffer]);
}

function vocabulary(json: Record<string, unknown>): string[] {
  const model = (json['model'] ?? {}) as { vocab?: unknown };
  const tokens: string[] = [];
  if (Array.isArray(model.vocab))
    model.vocab.forEach((entry: unknown, id) => (tokens[id] = String((entry as unknown[])[0])));
  else if (model.vocab && typeof model.vocab === 'object') {
    for (const [token, id] of Object.entries(model.vocab as Record<string, number>)) tokens[id] = token;
  }
  for (const added of (json['added_tokens'] ?? []) as { id: number; content: string }[])
    tokens[added.id] = added.content;
  return tokens;
}

let vocabCache: { json: Record<string, unknown>; tokens: string[] } | null = null;

function searchVocab(id: number, query: string, limit: number): void {
  const json = current?.tokenizerJson;
  if (!json) throw new Error('This model has no tokenizer.json.');
  if (vocabCache?.json !== json) vocabCache = { json, tokens: vocabulary(json) };
  const needle = query.trim().toLowerCase();
  const asId = /^\d+$/.test(needle) ? Number(needle) : null;
  const matches: { id: number; token: string }[] = [];
  vocabCache.tokens.forEach((token, tokenId) => {
    if (!needle || tokenId === asId || token.toLowerCase().includes(needle))
      matches.push({ id: tokenId, token });
  });
  post({ type: 'vocab-page', id, entries: matches.slice(0, limit), matches: matches.length });
}

/** Fetches a byte range; a host without Range support answers 200 with the whole file, which is refused. */
async function range(
  url: string,
  start: number,
  end: number,
): Promise<{ bytes: Uint8Array; size: number | null }> {
  const response = await fetch(url, { headers: { Range: `bytes=${start}-${end}` } });
  if (response.status === 404) throw new NotFound(`${url} does not exist.`);
  if (response.status !== 206) {
    await response.body?.cancel();
    throw new Error(
      `${url} answered ${response.status} to a Range request: reading only the header is not possible there.`,
    );
  }
  const size = Number(response.headers.get('content-range')?.split('/')[1]);
  return { bytes: new Uint8Array(await response.arrayBuffer()), size: Number.isFinite(size) ? size : null };
}

/** The safetensors files of a repository: the shards its index lists, or the single file. */
async function safetensorsFiles(host: string, modelId: string, report: SafetensorsReport): Promise<string[]> {
  const index = await fetch(modelFileUrl(host, modelId, 'model.safetensors.index.json'));
  if (!index.ok) {
    await index.body?.cancel();
    return ['model.safetensors'];
  }
  const text = await index.text();
  report.bytesRead += text.length;
  return [
    ...new Set(Object.values((JSON.parse(text) as { weight_map: Record<string, string> }).weight_map)),
  ].sort();
}

async function readHeaders(id: number, host: string, modelId: string): Promise<void> {
  const report: SafetensorsReport = { files: [], tensors: [], parameters: 0, bytesRead: 0 };
  const paths = await safetensorsFiles(host, modelId, report);
  for (const path of paths) {
    const url = modelFileUrl(host, modelId, path);
    const first = await range(url, 0, 7).catch((error: unknown) => {
      if (!(error instanceof NotFound)) throw error;
      throw new NotFound(
        `${modelId} has no safetensors weights (neither ${path} nor model.safetensors.index.json).`,
        {
          cause: error,
        },
      );
    });
    const length = headerLength(first.bytes);
    const header = await range(url, 8, 8 + length - 1);
    report.bytesRead += 8 + length;
    report.files.push({ path, headerBytes: length, size: first.size });
    report.tensors.push(...parseHeader(header.bytes, path));
  }
  report.parameters = report.tensors.reduce((sum, tensor) => sum + elementsOf(tensor.shape), 0);
  post({ type: 'headers-read', id, report });
}

async function handle(request: InspectorRequest): Promise<void> {
  switch (request.type) {
    case 'open':
      return open(request.id, request.target);
    case 'tensor':
      return tensorReport(request.id, request.name, request.window, request.column, request.block);
    case 'vocab':
      return searchVocab(request.id, request.query, request.limit);
    case 'headers':
      return readHeaders(request.id, request.host, request.modelId);
    case 'cancel':
      reading?.abort();
      return;
  }
}

self.onmessage = (message: MessageEvent<InspectorRequest>) => {
  const request = message.data;
  handle(request).catch((error: unknown) =>
    post({
      type: 'error',
      id: request.id,
      error: {
        code:
          error instanceof NotFound
            ? 'model-not-found'
            : (error as Error).name === 'AbortError'
              ? 'cancelled'
              : 'internal',
        message: error instanceof Error ? error.message : String(error),
      },
    }),
  );
};
