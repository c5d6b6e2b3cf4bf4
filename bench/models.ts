/**
 * The forged benchmark models: which catalog model each is shaped after, the dtypes measured, their files
 * in bench/models, the decoder's cache shape and the specs the page loads them by.
 *
 *   benchModels(mirrorUrl, ['q8']) // → the decoder's and the encoder's q8 specs
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Dtype, ModelSpec } from '../src/core/model.ts';
import { weightFile } from '../src/core/weightFiles.ts';
import { appDtypeFor, findModel } from '../src/hub/catalog.ts';
import type { DecoderJob } from './native.ts';
import { MODELS } from './paths.ts';

interface BenchModel {
  id: string;
  shapedAfter: string;
  task: ModelSpec['task'];
  dtypes: Dtype[];
}

/** Each forged model has the shape of a catalog model, whose WASM recommendation the targets apply to. */
export const DECODER: BenchModel = {
  id: 'glassbox/smollm2-135m-shaped',
  shapedAfter: 'HuggingFaceTB/SmolLM2-135M-Instruct',
  task: 'text-generation',
  dtypes: ['fp32', 'fp16', 'q8', 'q4', 'q4f16'],
};
export const ENCODER: BenchModel = {
  id: 'glassbox/minilm-l6-shaped',
  shapedAfter: 'Xenova/all-MiniLM-L6-v2',
  task: 'feature-extraction',
  dtypes: ['fp32', 'q8'],
};

/** Every model the run measures, served from `host`: the decoder's dtypes, then the encoder's. */
export function benchModels(host: string, dtypes: readonly Dtype[] | null): ModelSpec[] {
  return [DECODER, ENCODER].flatMap(({ id, task, dtypes: all }) =>
    all.filter((dtype) => dtypes?.includes(dtype) ?? true).map((dtype) => ({ host, id, dtype, task })),
  );
}

/** A forged model's folder in bench/models. */
export const modelFolder = (id: string) => join(MODELS, id, 'resolve', 'main');

export const modelFile = (spec: Pick<ModelSpec, 'id' | 'dtype'>) =>
  join(modelFolder(spec.id), weightFile(spec.dtype));

/** A forged model's parameter count: its fp32 file holds them at 4 bytes each, and little else. */
export const parameterCount = (id: string) => statSync(modelFile({ id, dtype: 'fp32' })).size / 4;

/** The decoder's cache shape from its config.json, as the native replay feeds it. */
export function decoderShapeOf(config: Record<string, number>): DecoderJob['shape'] {
  const heads = config['num_attention_heads'] ?? 1;
  return {
    numLayers: config['num_hidden_layers'] ?? 0,
    numKvHeads: config['num_key_value_heads'] ?? heads,
    headDim: config['head_dim'] ?? (config['hidden_size'] ?? 0) / heads,
    vocabSize: config['vocab_size'] ?? 0,
  };
}

export function decoderShape(): DecoderJob['shape'] {
  return decoderShapeOf(
    JSON.parse(readFileSync(join(modelFolder(DECODER.id), 'config.json'), 'utf8')) as Record<string, number>,
  );
}

/** The app's WASM dtype for the catalog model a forged one is shaped after. */
export function recommendedOnWasm(model: { shapedAfter: string }): Dtype | null {
  const entry = findModel(model.shapedAfter);
  return entry ? appDtypeFor(entry, 'wasm') : null;
}
