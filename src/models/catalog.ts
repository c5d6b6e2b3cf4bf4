/**
 * The models the app offers. For now the forged demo models the app serves itself; the curated Hub
 * catalog with openness cards joins them later. A `forged` model has random weights: it shows the
 * machinery (files, ops, shapes, tokens), not language.
 */
import type { Dtype, ModelTask } from '../engine/protocol.ts';

export interface CatalogModel {
  id: string;
  label: string;
  task: ModelTask;
  description: string;
  dtypes: readonly Dtype[];
  /** Random weights made by tools/forge, served by the app at `appModelHost()`. */
  forged: boolean;
}

export const DEMO_MODELS: readonly CatalogModel[] = Object.freeze([
  {
    id: 'glassbox/tiny-chat',
    label: 'Tiny chat (forged)',
    task: 'text-generation',
    description: 'A 2-layer LLaMA-style decoder with random weights: real architecture, meaningless text.',
    dtypes: ['fp32', 'q8', 'q4'],
    forged: true,
  },
  {
    id: 'glassbox/tiny-embed',
    label: 'Tiny embeddings (forged)',
    task: 'feature-extraction',
    description: 'A 2-layer BERT-style encoder with random weights: real vectors, meaningless geometry.',
    dtypes: ['fp32', 'q8', 'q4'],
    forged: true,
  },
]);

export const DEFAULT_CHAT_MODEL_ID = 'glassbox/tiny-chat';
export const DEFAULT_EMBEDDING_MODEL_ID = 'glassbox/tiny-embed';

export function findModel(id: string): CatalogModel | undefined {
  return DEMO_MODELS.find((model) => model.id === id);
}

/** The host, in Hugging Face layout, where the app serves its own demo models. */
export function appModelHost(): string {
  return new URL(`${import.meta.env.BASE_URL}models`, self.location.href).href;
}
