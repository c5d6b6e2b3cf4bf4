/**
 * The Hub-layout presets, as onnx-community repositories ship a model: every dtype's weights in external
 * data beside its graph (fp32's split over two files), declared in config.json's `transformers.js_config`
 * (tiny-chat-hub), or not declared (tiny-chat-hub-undeclared, the fault a broken repository makes).
 *
 * Each file loads in onnxruntime-node from disk and computes what the same graph with its weights inline
 * computes; onnxruntime-web loads it from the files Transformers.js would mount in a browser, and fails
 * as the browser fails where the declaration is missing; Transformers.js 4.3.1 lists the files and runs them.
 *
 * Run: npx vitest run tools/forge/hub.test.ts
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { ModelRegistry } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weightFile } from '../../src/core/weightFiles.ts';
import { buildPresetModel, presetDtypes } from './buildModel.ts';
import { ALL_DTYPES, isFloat16Dtype, PRESETS, type ForgedDtype } from './presets.ts';
import { createSession, greedyTrace, greedyWithCache, maxAbsDifference } from './testing/ort.ts';
import { transformersGreedy } from './testing/transformers.ts';
import { webPrefillLogits, webSession, webTolerance } from './testing/web.ts';
import { hubFolder, writeModelFolder } from './writeModel.ts';

const root = mkdtempSync(join(tmpdir(), 'forge-hub-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const hub = PRESETS['tiny-chat-hub'];
const undeclared = PRESETS['tiny-chat-hub-undeclared'];
const folder = hubFolder(root, hub);
const undeclaredFolder = hubFolder(root, undeclared);
const config = hub.model;

/** The graph and data files a dtype has in the folder, as repository paths. */
const filesOf = (dtype: ForgedDtype): string[] => {
  const graph = weightFile(dtype);
  const data = readdirSync(join(folder, 'onnx'))
    .filter((name) => name.startsWith(`${posix.basename(graph)}_data`))
    .sort();
  return [graph, ...data.map((name) => `onnx/${name}`)];
};

/** What Transformers.js would fetch for a dtype: its own resolver, reading config.json. */
const transformersFiles = async (dir: string, dtype?: ForgedDtype): Promise<string[]> =>
  (await ModelRegistry.get_model_files(dir, dtype === undefined ? {} : { dtype })).filter((f) =>
    f.startsWith('onnx/'),
  );

beforeAll(async () => {
  await writeModelFolder(hub, folder);
  await writeModelFolder(undeclared, undeclaredFolder);
});

describe('tiny-chat-hub: every dtype in external data, declared as onnx-community declares it', () => {
  it('keeps each graph’s weights in model{suffix}.onnx_data beside it, fp32’s split over .onnx_data and .onnx_data_1', () => {
    expect(readdirSync(join(folder, 'onnx')).sort()).toEqual(
      [
        'model.onnx',
        'model.onnx_data',
        'model.onnx_data_1',
        ...['fp16', 'quantized', 'q4', 'q4f16'].flatMap((s) => [`model_${s}.onnx`, `model_${s}.onnx_data`]),
      ].sort(),
    );
    for (const dtype of ALL_DTYPES) {
      // The graph keeps only tensors under 1 KiB inline; the data files hold the rest.
      const [graph = '', ...data] = filesOf(dtype);
      const dataBytes = data.reduce((sum, f) => sum + statSync(join(folder, f)).size, 0);
      expect(statSync(join(folder, graph)).size, dtype).toBeLessThan(dataBytes / 4);
    }
  });

  it('declares them, the default dtype and the float16 KV cache in config.json’s transformers.js_config', () => {
    const json = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(json['transformers.js_config']).toEqual({
      dtype: 'q4f16',
      kv_cache_dtype: { q4f16: 'float16', fp16: 'float16' },
      use_external_data_format: {
        'model.onnx': 2,
        'model_fp16.onnx': 1,
        'model_quantized.onnx': 1,
        'model_q4.onnx': 1,
        'model_q4f16.onnx': 1,
      },
    });
    const other = JSON.parse(readFileSync(join(undeclaredFolder, 'config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(other['transformers.js_config']).toEqual({
      dtype: 'q4f16',
      kv_cache_dtype: { q4f16: 'float16', fp16: 'float16' },
    });
  });

  it('lists, by Transformers.js 4.3.1’s own resolver, exactly the files each dtype has (q4f16 when none is asked)', async () => {
    for (const dtype of ALL_DTYPES)
      expect(await transformersFiles(folder, dtype), dtype).toEqual(filesOf(dtype));
    expect(await transformersFiles(folder)).toEqual(filesOf('q4f16'));
    // Undeclared, the resolver fetches the graph alone though its weights are beside it.
    expect(await transformersFiles(undeclaredFolder, 'fp32')).toEqual(['onnx/model.onnx']);
    expect(readdirSync(join(undeclaredFolder, 'onnx'))).toEqual(readdirSync(join(folder, 'onnx')));
  });

  it.each(ALL_DTYPES)(
    '%s: loads in onnxruntime-node from its files, and its 32 greedy tokens and logits equal the same graph’s with weights inline',
    async (dtype) => {
      const prompt = [1, 20, 300, 40, 5, 60, 7];
      const inline = presetDtypes(buildPresetModel(hub))(dtype);
      const fromFiles = await greedyTrace(
        await createSession(join(folder, weightFile(dtype))),
        config,
        prompt,
        32,
      );
      const fromMemory = await greedyTrace(await createSession(inline), config, prompt, 32);
      expect(fromFiles.tokens).toEqual(fromMemory.tokens);
      expect(fromFiles.logits).toEqual(fromMemory.logits);
    },
  );

  it.each(ALL_DTYPES)(
    '%s: loads in onnxruntime-web (WASM) from the files Transformers.js would mount, with onnxruntime-node’s logits',
    async (dtype) => {
      const [graph = '', ...data] = await transformersFiles(folder, dtype);
      const read = (file: string): Uint8Array => new Uint8Array(readFileSync(join(folder, file)));
      const web = await webSession(
        read(graph),
        data.map((file) => ({ path: posix.basename(file), data: read(file) })),
      );
      const tokens = [1, 20, 300, 40, 5, 60];
      const fromWeb = await webPrefillLogits(web, config, tokens);
      const node = await greedyTrace(await createSession(join(folder, graph)), config, tokens, 1);
      const lastRow = fromWeb.subarray((tokens.length - 1) * config.vocabSize);
      const expected = node.logits[0] ?? new Float32Array();
      expect(maxAbsDifference(lastRow, expected)).toBeLessThanOrEqual(
        webTolerance(expected, isFloat16Dtype(dtype)),
      );
      await web.release();
    },
  );

  it.each(ALL_DTYPES)(
    '%s: Transformers.js 4.3.1 loads it and its greedy generate() gives onnxruntime-node’s greedy tokens',
    async (dtype) => {
      const { promptIds, generated } = await transformersGreedy(folder, dtype, 'Hello, what is a token?', 16);
      const session = await createSession(join(folder, weightFile(dtype)));
      expect(generated).toEqual(await greedyWithCache(session, config, promptIds, 16));
    },
  );
});

describe('tiny-chat-hub-undeclared: the same files without the declaration', () => {
  it('fails in onnxruntime-web given the files Transformers.js mounts (none), with the error a browser shows', async () => {
    const files = await transformersFiles(undeclaredFolder, 'q4');
    expect(files).toEqual(['onnx/model_q4.onnx']);
    const graph = new Uint8Array(readFileSync(join(undeclaredFolder, 'onnx/model_q4.onnx')));
    await expect(webSession(graph, [])).rejects.toThrow(
      /Failed to load external data file "+model_q4\.onnx_data"+, error: Module\.MountedFiles is not available/,
    );
  });

  it('fails as a half-declared repository fails when a chunk is missing: "File not found in preloaded files"', async () => {
    const read = (file: string): Uint8Array =>
      new Uint8Array(readFileSync(join(undeclaredFolder, 'onnx', file)));
    await expect(
      webSession(read('model.onnx'), [{ path: 'model.onnx_data', data: read('model.onnx_data') }]),
    ).rejects.toThrow(
      /Failed to load external data file "+model\.onnx_data_1"+, error: File not found in preloaded files/,
    );
  });
});
