/**
 * Writes a preset's complete Hugging Face-format model folder (config files, tokenizer, safetensors, one
 * ONNX file per dtype with its external data files when the preset keeps weights outside, the GGUF files
 * it asks for, model card, stamp) atomically, or leaves it alone when its stamp says it is current.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { weightFile } from '../../src/core/weightFiles.ts';
import { writeFolderAtomically } from './atomicFolder.ts';
import { buildPresetModel, presetDtypes } from './buildModel.ts';
import { configJson, generationConfigJson } from './configFiles.ts';
import { decoderGguf, ggufFile } from './gguf.ts';
import { modelCard } from './modelCard.ts';
import { encodeModel } from './onnx/proto.ts';
import { getPreset, type Preset, type PresetName } from './presets.ts';
import { forgeTokenizer } from './presetTokenizer.ts';
import { encodeSafetensors, parametersOf } from './safetensors.ts';
import { fileRecord, isUpToDate, STAMP_FILE, stampOf, type FileRecord } from './stamp.ts';

export interface WriteOptions {
  /** Rewrite even when the stamp says the folder is current. */
  readonly force?: boolean;
  /** Progress lines (what is being forged, how long it took). */
  readonly log?: (line: string) => void;
}

export interface WriteResult {
  readonly status: 'written' | 'up-to-date';
  readonly folder: string;
  readonly bytes: number;
  /** Milliseconds per phase. */
  readonly timings: Readonly<Record<string, number>>;
}

/** `<root>/<org>/<name>/resolve/main`: the Hugging Face hub's URL layout, so a static server can act as the hub. */
export function hubFolder(root: string, preset: Preset): string {
  const [org = '', name = ''] = preset.repo.split('/');
  return join(root, org, name, 'resolve', 'main');
}

const jsonBytes = (value: unknown): Uint8Array =>
  new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

/**
 * @example
 *   await writeModelFolder('tiny-chat', 'public/models/glassbox/tiny-chat/resolve/main');
 *   // → { status: 'written', folder: '…/resolve/main', bytes: 1_387_002, timings: { tokenizer: 310, … } }
 */
export async function writeModelFolder(
  presetOrName: Preset | PresetName,
  folder: string,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const preset = typeof presetOrName === 'string' ? getPreset(presetOrName) : presetOrName;
  const log = options.log ?? ((): void => {});
  if (!options.force && isUpToDate(preset, folder)) {
    return { status: 'up-to-date', folder, bytes: 0, timings: {} };
  }

  const timings: Record<string, number> = {};
  const timed = async <T>(phase: string, work: () => T | Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await work();
    timings[phase] = Math.round(performance.now() - start);
    return result;
  };

  const files: Record<string, FileRecord> = {};
  await writeFolderAtomically(folder, async (staging) => {
    /** Writes a file of the folder and records it for the stamp. */
    const put = async (path: string, ...chunks: Uint8Array[]): Promise<void> => {
      const target = join(staging, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, chunks);
      files[path] = fileRecord(chunks);
    };

    const tokenizer = await timed('tokenizer', () => forgeTokenizer(preset));
    await put('config.json', jsonBytes(configJson(preset)));
    const generation = generationConfigJson(preset);
    if (generation !== null) await put('generation_config.json', jsonBytes(generation));
    await put('tokenizer.json', jsonBytes(tokenizer.tokenizerJson));
    await put('tokenizer_config.json', jsonBytes(tokenizer.tokenizerConfig));
    await put('README.md', new TextEncoder().encode(modelCard(preset)));

    const fp32 = await timed('build fp32', () => buildPresetModel(preset));
    const graphOf = presetDtypes(fp32);
    for (const dtype of preset.dtypes) {
      const file = weightFile(dtype);
      const graph = dtype === 'fp32' ? fp32 : await timed(`derive ${dtype}`, () => graphOf(dtype));
      // Weights go to `<file>_data` (and `_data_1`, …) beside the graph, which names them relative to
      // itself: when the preset keeps them outside, or when they would pass protobuf's 2 GiB.
      const dataFiles = preset.externalData?.files[dtype] ?? 0;
      const encoded = await timed(`encode ${dtype}`, () =>
        encodeModel(graph, {
          externalDataFile: posix.basename(`${file}_data`),
          ...(dataFiles > 0 ? { externalThresholdBytes: 0, externalDataFiles: dataFiles } : {}),
        }),
      );
      await timed(`write ${dtype}`, async () => {
        await put(file, encoded.onnx);
        for (const data of encoded.dataFiles)
          await put(posix.join(posix.dirname(file), data.file), ...data.chunks);
      });
    }

    // The parameters in torch layouts, once for the safetensors and the GGUF files.
    const parameters = parametersOf(fp32);
    await put('model.safetensors', await timed('safetensors', () => encodeSafetensors(parameters)));
    if (preset.kind === 'decoder')
      for (const type of preset.gguf ?? [])
        await put(
          ggufFile(type),
          ...(await timed(`gguf ${type}`, () =>
            decoderGguf(preset, parameters, tokenizer.tokenizerJson, type),
          )),
        );

    // The stamp goes in last: a folder with a stamp is a complete folder.
    await writeFile(join(staging, STAMP_FILE), jsonBytes(stampOf(preset, files)));
  });

  const bytes = Object.values(files).reduce((sum, f) => sum + f.bytes, 0);
  log(
    `${preset.repo}: ${(bytes / 1e6).toFixed(1)} MB in ${Object.entries(timings)
      .map(([k, v]) => `${k} ${v} ms`)
      .join(', ')}`,
  );
  return { status: 'written', folder, bytes, timings };
}
