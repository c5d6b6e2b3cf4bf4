/**
 * Answers the JSON routes: the mirror's index (`/`), the model list (`/api/models?author=&search=`), one
 * model's info (`/api/models/<org>/<name>[/revision/<rev>]?blobs=true`) and its tree
 * (`/api/models/<org>/<name>/tree/<rev>[/<folder>]?recursive=true`). hubApi.ts shapes the bodies.
 */
import type { Catalog, ModelRef } from './catalog.ts';
import { fail, json, type Exchange } from './exchange.ts';
import { modelInfo, modelListEntry, treeEntries, type ModelInfo } from './hubApi.ts';

async function describe(catalog: Catalog, model: ModelRef, blobs: boolean): Promise<ModelInfo> {
  return modelInfo(await catalog.snapshot(model), await catalog.config(model), { blobs });
}

export async function answerIndex(catalog: Catalog, exchange: Exchange): Promise<void> {
  json(exchange, 200, {
    name: 'Glassbox mirror',
    about: 'Read-only model files in Hugging Face layout: /<org>/<name>/resolve/main/<file>.',
    models: (await catalog.listModels()).map((model) => model.id),
    api: '/api/models',
  });
}

export async function answerModelList(
  catalog: Catalog,
  exchange: Exchange,
  query: URLSearchParams,
): Promise<void> {
  const author = query.get('author');
  const search = query.get('search')?.toLowerCase();
  const listed = (await catalog.listModels()).filter(
    (model) =>
      (author === null || model.org === author) && (!search || model.id.toLowerCase().includes(search)),
  );
  const infos = await Promise.all(listed.map((model) => describe(catalog, model, false)));
  json(exchange, 200, infos.map(modelListEntry));
}

export async function answerModelInfo(
  catalog: Catalog,
  exchange: Exchange,
  model: ModelRef,
  query: URLSearchParams,
): Promise<void> {
  json(exchange, 200, await describe(catalog, model, query.get('blobs') === 'true'));
}

export async function answerTree(
  catalog: Catalog,
  exchange: Exchange,
  model: ModelRef,
  folderSegments: readonly string[],
  query: URLSearchParams,
): Promise<void> {
  const snapshot = await catalog.snapshot(model);
  const folder = folderSegments.join('/');
  if (folder !== '' && !snapshot.treeOids.has(folder)) {
    fail(exchange, 404, 'EntryNotFound', `Entry not found: ${model.id} has no folder ${folder}.`);
    return;
  }
  const recursive = ['true', '1'].includes(query.get('recursive') ?? '');
  json(exchange, 200, treeEntries(snapshot, folder, recursive));
}
