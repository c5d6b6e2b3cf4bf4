/**
 * Checks a repository on a host before anything is downloaded: does it exist, has it ONNX weights, can
 * this Transformers.js build its architecture, and what would each dtype download.
 *
 * Part of the engine worker (reads transformers.js' model mappings); never imports UI modules.
 */
import { AutoModel, AutoModelForCausalLM } from '@huggingface/transformers';
import { DTYPES, taskFromConfig } from '../../core/model.ts';
import { isWeightDataOf, weightFile } from '../../core/weightFiles.ts';
import { HubError } from '../../hub/errors.ts';
import { ModelHost, type ListedFile } from '../../hub/host.ts';
import { isRecord } from '../../lib/isRecord.ts';
import { EngineError } from '../errors.ts';
import type { RepositoryReport } from '../protocol.ts';

type ModelMappings = { MODEL_CLASS_MAPPINGS: Map<string, unknown>[] };

const CONFIG_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

/** The files a static host (no API) may hold, probed one by one. */
const PROBED_FILES = [...CONFIG_FILES, 'generation_config.json', ...DTYPES.map(weightFile)];

async function configOf(host: ModelHost, modelId: string): Promise<Record<string, unknown>> {
  let config: unknown;
  try {
    config = await host.json(modelId, 'config.json');
  } catch (error) {
    if (error instanceof HubError && error.code === 'not-found') {
      throw new EngineError(
        'not-found',
        `There is no model "${modelId}" on ${host.base} (it has no config.json). Check the spelling: org/name.`,
      );
    }
    throw error;
  }
  if (isRecord(config)) return config;
  throw new EngineError(
    'unsupported-model',
    `The config.json of "${modelId}" is not a JSON object: is this a model repository?`,
  );
}

export async function checkRepository({
  host: hostUrl,
  modelId,
}: {
  host: string;
  modelId: string;
}): Promise<RepositoryReport> {
  const host = new ModelHost(hostUrl);
  const config = await configOf(host, modelId);
  const listed =
    (await host.listing(modelId)) ??
    (await Promise.all(PROBED_FILES.map((path) => host.probe(modelId, path)))).filter(
      (entry): entry is ListedFile => entry !== null,
    );
  const byPath = new Map(listed.map((entry) => [entry.path, entry]));
  if (!listed.some((entry) => /^onnx\/.+\.onnx$/.test(entry.path))) {
    throw new EngineError(
      'unsupported-model',
      `"${modelId}" has no ONNX weights (no onnx/*.onnx file), so Transformers.js cannot run it. Look for an ONNX export of it, often under onnx-community/.`,
    );
  }

  const task = taskFromConfig(config);
  const modelType = String(config['model_type'] ?? '');
  const mappings = (task === 'text-generation'
    ? AutoModelForCausalLM
    : AutoModel) as unknown as ModelMappings;
  const supported = mappings.MODEL_CLASS_MAPPINGS.some((mapping) => mapping.has(modelType));
  const shared = [...CONFIG_FILES, ...(task === 'text-generation' ? ['generation_config.json'] : [])]
    .map((path) => byPath.get(path))
    .filter((entry): entry is ListedFile => entry !== undefined);

  const dtypes = DTYPES.flatMap((dtype) => {
    if (!byPath.has(weightFile(dtype))) return [];
    const files = [...shared, ...listed.filter((entry) => isWeightDataOf(entry.path, dtype))].map(
      ({ path, size }) => ({ path, size }),
    );
    const bytes = files.every((file) => file.size !== null)
      ? files.reduce((sum, file) => sum + (file.size ?? 0), 0)
      : null;
    return [{ dtype, files, bytes }];
  });

  return {
    host: hostUrl,
    modelId,
    modelType,
    architectures: Array.isArray(config['architectures']) ? config['architectures'].map(String) : [],
    task,
    supported,
    dtypes,
    config,
  };
}
