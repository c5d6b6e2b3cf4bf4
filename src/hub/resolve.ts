/**
 * Finds what a model is for from its `config.json`, for ids the catalog does not know
 * (a deep link to any model on a mirror or on the Hub).
 *
 *   taskFromConfig({ architectures: ['LlamaForCausalLM'] }) // → 'text-generation'
 */
import { modelFileUrl, type ModelTask } from '../engine/protocol.ts';
import { findModel } from './catalog.ts';
import type { ModelStore } from './storage/modelStore.ts';
import { offlineRefusalMessage, refusedByOfflineSwitch } from '../pwa/protocol.ts';

export function taskFromConfig(config: { architectures?: unknown }): ModelTask {
  const architectures = Array.isArray(config.architectures) ? config.architectures.map(String) : [];
  return architectures.some((name) => /ForCausalLM$|LMHeadModel$|ForConditionalGeneration$/.test(name))
    ? 'text-generation'
    : 'feature-extraction';
}

/**
 * The task of a model: from the catalog, else from its config.json, read from the device's store when the
 * model is stored (so a stored model loads offline, and nothing is fetched twice), else from the host.
 */
export async function resolveTask(host: string, id: string, store: ModelStore): Promise<ModelTask> {
  const known = findModel(id);
  if (known) return known.task;
  const stored = await store.file(host, id, 'config.json');
  if (stored) return taskFromConfig(JSON.parse(await stored.text()) as { architectures?: unknown });
  const url = modelFileUrl(host, id, 'config.json');
  const response = await fetch(url);
  if (refusedByOfflineSwitch(response)) throw new Error(offlineRefusalMessage(url));
  if (!response.ok) throw new Error(`${url} answered ${response.status}: is "${id}" a model on this host?`);
  return taskFromConfig((await response.json()) as { architectures?: unknown });
}
