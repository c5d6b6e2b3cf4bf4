/**
 * Checks a repository on a host before anything is downloaded: does it exist, has it ONNX weights,
 * can this Transformers.js build its architecture, and what would each dtype download.
 *
 * Part of the engine worker (reads transformers.js' model mappings); never imports UI modules.
 */
import { AutoModel, AutoModelForCausalLM } from '@huggingface/transformers';
import { taskFromConfig } from '../models/resolve.ts';
import { EngineError } from './errors.ts';
import { DTYPES, DTYPE_FILE_SUFFIX, modelFileUrl, type RepositoryReport } from './protocol.ts';

interface Listed {
  path: string;
  size: number | null;
}

type ModelMappings = { MODEL_CLASS_MAPPINGS: Map<string, unknown>[] };

const CONFIG_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

/** The repository's files from the Hub-like tree API, else the model API's siblings; null for a plain static host. */
async function listFiles(host: string, modelId: string): Promise<Listed[] | null> {
  const base = `${host.replace(/\/+$/, '')}/api/models/${modelId}`;
  try {
    const tree = await fetch(`${base}/tree/main?recursive=true`);
    if (tree.ok) {
      const entries = (await tree.json()) as {
        type: string;
        path: string;
        size?: number;
        lfs?: { size?: number };
      }[];
      return entries
        .filter((entry) => entry.type === 'file')
        .map((entry) => ({ path: entry.path, size: entry.lfs?.size ?? entry.size ?? null }));
    }
    const info = await fetch(base);
    if (info.ok) {
      const { siblings } = (await info.json()) as { siblings?: { rfilename: string }[] };
      if (siblings) return siblings.map((sibling) => ({ path: sibling.rfilename, size: null }));
    }
  } catch {
    // No API on this host: probe the files instead.
  }
  return null;
}

/** Size of one file by a one-byte Range request (a static host without an API), or null if absent. */
async function probe(host: string, modelId: string, path: string): Promise<Listed | null> {
  const response = await fetch(modelFileUrl(host, modelId, path), { headers: { Range: 'bytes=0-0' } });
  await response.body?.cancel();
  if (!response.ok) return null;
  const total = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
  return { path, size: total ? Number(total) : Number(response.headers.get('content-length')) || null };
}

export async function checkRepository(host: string, modelId: string): Promise<RepositoryReport> {
  const configUrl = modelFileUrl(host, modelId, 'config.json');
  let response: Response;
  try {
    response = await fetch(configUrl);
  } catch (error) {
    throw new EngineError(
      'network',
      `Could not reach ${host} (${String(error)}). Check the host URL or the connection.`,
    );
  }
  if (response.status === 404 || response.status === 401) {
    throw new EngineError(
      'model-not-found',
      `There is no model "${modelId}" on ${host} (config.json answered ${response.status}). Check the spelling: org/name.`,
    );
  }
  if (!response.ok)
    throw new EngineError('network', `${configUrl} answered ${response.status} ${response.statusText}.`);
  let config: Record<string, unknown>;
  try {
    config = (await response.json()) as Record<string, unknown>;
  } catch {
    throw new EngineError(
      'unsupported-model',
      `The config.json of "${modelId}" is not JSON: is this a model repository?`,
    );
  }

  const listed =
    (await listFiles(host, modelId)) ??
    (
      await Promise.all(
        [
          ...CONFIG_FILES,
          'generation_config.json',
          ...DTYPES.map((d) => `onnx/model${DTYPE_FILE_SUFFIX[d]}.onnx`),
        ].map((path) => probe(host, modelId, path)),
      )
    ).filter((entry): entry is Listed => entry !== null);
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
    .filter((entry): entry is Listed => entry !== undefined);

  const dtypes = DTYPES.flatMap((dtype) => {
    const weights = `onnx/model${DTYPE_FILE_SUFFIX[dtype]}.onnx`;
    if (!byPath.has(weights)) return [];
    const files = [
      ...shared,
      ...listed.filter((entry) => entry.path === weights || entry.path.startsWith(`${weights}_data`)),
    ];
    const bytes = files.every((file) => file.size !== null)
      ? files.reduce((sum, file) => sum + (file.size ?? 0), 0)
      : null;
    return [{ dtype, files, bytes }];
  });

  return {
    host,
    modelId,
    modelType,
    architectures: Array.isArray(config['architectures']) ? config['architectures'].map(String) : [],
    task,
    supported,
    dtypes,
    config,
  };
}
