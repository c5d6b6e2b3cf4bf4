/**
 * The inspector worker: reads a model's files (from the device's model store when they are stored, so
 * nothing is downloaded twice) and answers with structure, statistics and small slices, off the UI
 * thread. The ONNX file is held once, here; tensors are decoded one at a time when asked for.
 * It may not import React, zustand or transformers.js.
 */
import { PROGRESS_INTERVAL_MS } from '../core/settings.ts';
import { weightFile } from '../core/weightFiles.ts';
import { HubError } from '../hub/errors.ts';
import { ModelHost } from '../hub/host.ts';
import { modelStore as store } from '../hub/modelStore.ts';
import { isAbort, messageOf } from '../lib/errors.ts';
import { isRecord } from '../lib/isRecord.ts';
import { outlineGraph } from '../lib/onnx/outline.ts';
import { throttled } from '../lib/throttle.ts';
import { Transfer, serve } from '../lib/workerRpc.ts';
import { InspectorError } from './errors.ts';
import type { InspectTarget, InspectorApi } from './protocol.ts';
import { openOnnx, optionalText, type OnnxFile } from './reading.ts';
import { readHeaders } from './safetensorsHeaders.ts';
import { forgetDecoded, tensorReport } from './tensorReport.ts';
import { searchVocabulary, tokenizerInfo, vocabulary } from './tokenizerInfo.ts';

const FULL_PRECISION = weightFile('fp32');

/** The open model: its graph file, its tokenizer, and (read on demand) its vocabulary and fp32 sibling. */
let current: {
  target: InspectTarget;
  file: OnnxFile;
  tokenizerJson: Record<string, unknown> | null;
  tokens: string[] | null;
  fullPrecision: Promise<OnnxFile | null> | null;
} | null = null;

function openModel(): NonNullable<typeof current> {
  if (!current)
    throw new InspectorError('no-model-open', 'No model is open in the inspector: open one first.');
  return current;
}

/** A JSON object from a file of the model, or an error that names the file. */
function parsedJson(text: string, name: string, modelId: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InspectorError(
      'not-in-model',
      `${name} of ${modelId} is not valid JSON (${messageOf(error)}).`,
    );
  }
  if (!isRecord(value))
    throw new InspectorError('not-in-model', `${name} of ${modelId} is not a JSON object.`);
  return value;
}

/** null for a file its host cannot give now (offline switch, no network); other errors as they are. */
function unlessUnreachable(error: unknown): null {
  if (error instanceof HubError && (error.code === 'offline' || error.code === 'network')) return null;
  throw error;
}

serve<InspectorApi>(
  {
    // The page cancels an open call when another model is opened or Cancel is pressed (a file may be gigabytes).
    async open({ target }, { signal, progress }) {
      current = null;
      forgetDecoded();
      const path = weightFile(target.dtype);
      const report = throttled(progress, PROGRESS_INTERVAL_MS);
      const { file, fromStore, parseMs } = await openOnnx(target, path, {
        onProgress: (loaded, total) => report({ loaded, total }),
        signal,
      });
      const [configText, tokenizerText, tokenizerConfigText, readme] = await Promise.all(
        ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'README.md'].map((name) =>
          // With the weights on the device, a text the host cannot give now (offline) is shown as missing.
          fromStore ? optionalText(target, name).catch(unlessUnreachable) : optionalText(target, name),
        ),
      );
      const tokenizerJson = tokenizerText
        ? parsedJson(tokenizerText, 'tokenizer.json', target.modelId)
        : null;
      // A model opened meanwhile owns the worker now: this one must not take its place.
      signal.throwIfAborted();
      current = { target, file, tokenizerJson, tokens: null, fullPrecision: null };
      const sibling =
        target.dtype === 'fp32' ? null : await store.file(target.host, target.modelId, FULL_PRECISION);
      return {
        target,
        file: path,
        fileBytes: file.bytes.byteLength,
        fromStore,
        parseMs,
        summary: file.summary,
        outline: outlineGraph(file.summary),
        config: configText ? parsedJson(configText, 'config.json', target.modelId) : null,
        tokenizer: tokenizerJson ? tokenizerInfo(tokenizerJson, tokenizerConfigText ?? null) : null,
        readme: readme ?? null,
        hasFullPrecisionSibling: sibling !== null,
      };
    },

    async tensor(request) {
      const model = openModel();
      // The fp32 sibling is read from the device only, and once, when a quantized tensor is compared.
      const fullPrecision = async () => {
        const { target } = model;
        if (target.dtype === 'fp32' || !(await store.file(target.host, target.modelId, FULL_PRECISION)))
          return null;
        model.fullPrecision ??= openOnnx(target, FULL_PRECISION).then(
          ({ file }) => file,
          (error: unknown) => {
            model.fullPrecision = null; // a failed read is tried again by the next request
            throw error;
          },
        );
        return model.fullPrecision;
      };
      const report = await tensorReport(model.file, fullPrecision, request);
      return new Transfer(report, [report.heatmap.cells.buffer]);
    },

    vocab({ query, limit }) {
      const model = openModel();
      if (!model.tokenizerJson) throw new InspectorError('not-in-model', 'This model has no tokenizer.json.');
      model.tokens ??= vocabulary(model.tokenizerJson);
      return searchVocabulary(model.tokens, query, limit);
    },

    headers: ({ host, modelId }) => readHeaders(new ModelHost(host), modelId),
  },
  (error) => {
    if (error instanceof InspectorError || error instanceof HubError) return error.toData();
    if (isAbort(error)) return { code: 'cancelled', message: 'Reading the model was cancelled.' };
    // A typed array sized from what a file declares (a tensor's shape, an external data length).
    if (error instanceof RangeError)
      return {
        code: 'too-large',
        message: `This model declares a tensor or a file larger than this tab can hold in memory (${error.message}). The file may be damaged; if it is not, inspect a smaller dtype.`,
      };
    return { code: 'internal', message: messageOf(error) };
  },
);
