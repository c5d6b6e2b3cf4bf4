/**
 * What a model is for, for ids the catalog does not know (a deep link to any model on a mirror or on the
 * Hub): read from its config.json, on the device when the model is stored (so a stored model loads
 * offline and nothing is fetched twice), else from its host.
 *
 *   await resolveTask('https://huggingface.co', 'Xenova/all-MiniLM-L6-v2', store) // → 'feature-extraction'
 */
import { taskFromConfig, type ModelTask } from '../core/model.ts';
import { findModel } from './catalog.ts';
import { ModelHost } from './host.ts';
import type { ModelStore } from './manifest.ts';

export async function resolveTask(host: string, id: string, store: ModelStore): Promise<ModelTask> {
  const known = findModel(id);
  if (known) return known.task;
  const stored = await store.file(host, id, 'config.json');
  const config = stored
    ? (JSON.parse(await stored.text()) as unknown)
    : await new ModelHost(host).json(id, 'config.json');
  return taskFromConfig(typeof config === 'object' && config !== null ? config : {});
}
