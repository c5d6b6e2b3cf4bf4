/**
 * A repository's safetensors headers, read with byte-range requests only (8 bytes, then the header):
 * every tensor's name, dtype and shape, and the parameter count, before any weight is downloaded.
 *
 * Part of the inspector worker; never imports UI modules or transformers.js.
 */
import { HubError } from '../hub/errors.ts';
import type { ModelHost } from '../hub/host.ts';
import { elementsOf, headerLength, parseHeader, type SafetensorsReport } from '../lib/safetensors.ts';

/** The safetensors files of a repository: the shards its index lists, or the single file. */
async function safetensorsFiles(
  host: ModelHost,
  modelId: string,
  report: SafetensorsReport,
): Promise<string[]> {
  const index = await host.optionalText(modelId, 'model.safetensors.index.json');
  if (index === null) return ['model.safetensors'];
  report.bytesRead += index.length;
  return [
    ...new Set(Object.values((JSON.parse(index) as { weight_map: Record<string, string> }).weight_map)),
  ].sort();
}

export async function readHeaders(host: ModelHost, modelId: string): Promise<SafetensorsReport> {
  const report: SafetensorsReport = { files: [], tensors: [], parameters: 0, bytesRead: 0 };
  for (const path of await safetensorsFiles(host, modelId, report)) {
    const first = await host.range(modelId, path, 0, 7).catch((error: unknown) => {
      if (!(error instanceof HubError) || error.code !== 'not-found') throw error;
      throw new HubError(
        'not-found',
        `${modelId} has no safetensors weights on ${host.base} (neither ${path} nor model.safetensors.index.json).`,
        { cause: error },
      );
    });
    const length = headerLength(first.bytes);
    const header = await host.range(modelId, path, 8, 8 + length - 1);
    report.bytesRead += 8 + length;
    report.files.push({ path, headerBytes: length, size: first.size });
    report.tensors.push(...parseHeader(header.bytes, path));
  }
  report.parameters = report.tensors.reduce((sum, tensor) => sum + elementsOf(tensor.shape), 0);
  return report;
}
