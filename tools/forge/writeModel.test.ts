/**
 * Model folders as the app receives them: the files Transformers.js asks for, deterministic bytes,
 * stamps that skip up-to-date folders, and Transformers.js 4.3.1 itself loading and running them.
 *
 * Run: npx vitest run tools/forge/writeModel.test.ts
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize, relative } from 'node:path';
import { promisify } from 'node:util';
import { AutoTokenizer, env, pipeline, type Tensor } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weightFile } from '../../src/core/weightFiles.ts';
import { buildPresetDtype, buildPresetModel } from './buildModel.ts';
import { encodeModel } from './onnx/proto.ts';
import { ALL_DTYPES, PRESETS } from './presets.ts';
import { isUpToDate, STAMP_FILE } from './stamp.ts';
import { createSession, greedyWithCache, meanPooled } from './testing/ort.ts';
import { transformersGreedy } from './testing/transformers.ts';
import { hubFolder, writeModelFolder } from './writeModel.ts';

// Local folders only: a test must never reach the network.
env.allowRemoteModels = false;

const root = mkdtempSync(join(tmpdir(), 'forge-folders-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every file under a folder, as relative path → bytes. */
function readTree(folder: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(folder, path), readFileSync(path));
    }
  };
  walk(folder);
  return files;
}

const readJson = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('forged model folders', () => {
  const chatFolder = join(root, 'a', 'glassbox', 'tiny-chat', 'resolve', 'main');
  const embedFolder = join(root, 'a', 'glassbox', 'tiny-embed', 'resolve', 'main');

  beforeAll(async () => {
    await writeModelFolder('tiny-chat', chatFolder);
    await writeModelFolder('tiny-embed', embedFolder);
  });

  it('hold the files Transformers.js asks for, in the hub layout', () => {
    expect(hubFolder(join(root, 'a'), PRESETS['tiny-chat'])).toBe(chatFolder);
    expect([...readTree(chatFolder).keys()].sort()).toEqual(
      [
        STAMP_FILE,
        'README.md',
        'config.json',
        'generation_config.json',
        'model.safetensors',
        'tokenizer.json',
        'tokenizer_config.json',
        ...ALL_DTYPES.map((dtype) => normalize(weightFile(dtype))),
      ].sort(),
    );
    expect(readTree(embedFolder).has('onnx/model_quantized.onnx')).toBe(true);
    // Nothing half-written is left beside the folders.
    expect(readdirSync(join(chatFolder, '..'))).toEqual(['main']);
  });

  it('write config.json with the real keys for llama and bert, and mark the weights as forged', () => {
    const chat = readJson(join(chatFolder, 'config.json'));
    expect(chat).toMatchObject({
      architectures: ['LlamaForCausalLM'],
      model_type: 'llama',
      hidden_size: 64,
      intermediate_size: 128,
      num_attention_heads: 4,
      num_hidden_layers: 2,
      num_key_value_heads: 2,
      head_dim: 16,
      max_position_embeddings: 2048,
      rms_norm_eps: 1e-5,
      rope_theta: 10000,
      tie_word_embeddings: true,
      vocab_size: 512,
      bos_token_id: 1,
      eos_token_id: 2,
      pad_token_id: 2,
      torch_dtype: 'float32',
      glassbox_forged: {
        preset: 'tiny-chat',
        seed: PRESETS['tiny-chat'].seed,
        note: 'random weights: shows the machinery, not language',
      },
    });
    const embed = readJson(join(embedFolder, 'config.json'));
    expect(embed).toMatchObject({
      architectures: ['BertModel'],
      model_type: 'bert',
      hidden_act: 'gelu',
      layer_norm_eps: 1e-12,
      type_vocab_size: 2,
      vocab_size: 1024,
      pad_token_id: 0,
    });
    const generation = readJson(join(chatFolder, 'generation_config.json'));
    expect(generation).toEqual({
      bos_token_id: 1,
      eos_token_id: 2,
      pad_token_id: 2,
      transformers_version: expect.any(String),
    });
    expect(readJson(join(chatFolder, 'tokenizer_config.json'))['chat_template']).toContain('<|im_start|>');
    expect(readFileSync(join(chatFolder, 'README.md'), 'utf8')).toContain('**These are random weights.**');
  });

  it('are byte-identical when forged twice from the same seed (every file, model.onnx included)', async () => {
    const again = join(root, 'b', 'glassbox', 'tiny-chat', 'resolve', 'main');
    await writeModelFolder('tiny-chat', again);
    const first = readTree(chatFolder);
    const second = readTree(again);
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [path, bytes] of first) expect(second.get(path)?.equals(bytes), path).toBe(true);
    // and a different seed gives different weights
    const other = encodeModel(buildPresetModel({ ...PRESETS['tiny-chat'], seed: 1 })).onnx;
    expect(Buffer.from(other).equals(first.get('onnx/model.onnx') ?? Buffer.alloc(0))).toBe(false);
  });

  it('are skipped while their stamp is current, rewritten with force or when a file is missing', async () => {
    expect(isUpToDate(PRESETS['tiny-chat'], chatFolder)).toBe(true);
    expect((await writeModelFolder('tiny-chat', chatFolder)).status).toBe('up-to-date');
    expect((await writeModelFolder('tiny-chat', chatFolder, { force: true })).status).toBe('written');
    unlinkSync(join(chatFolder, 'onnx', 'model_q4.onnx'));
    expect(isUpToDate(PRESETS['tiny-chat'], chatFolder)).toBe(false);
    expect((await writeModelFolder('tiny-chat', chatFolder)).status).toBe('written');
    expect(existsSync(join(chatFolder, 'onnx', 'model_q4.onnx'))).toBe(true);
    // A stamp from another preset (or older forge sources) does not count.
    expect(isUpToDate(PRESETS['tiny-embed'], chatFolder)).toBe(false);
  });

  it('clear half-written folders a killed run left behind, and a failed write keeps the previous folder', async () => {
    const abandoned = join(chatFolder, '..', '.main.tmp-4194303'); // a pid no live process has
    mkdirSync(join(abandoned, 'onnx'), { recursive: true });
    await writeModelFolder('tiny-chat', chatFolder, { force: true });
    expect(readdirSync(join(chatFolder, '..'))).toEqual(['main']);

    const before = readFileSync(join(chatFolder, STAMP_FILE));
    const broken = {
      ...PRESETS['tiny-chat'],
      tokenizer: { kind: 'byte-level-bpe', vocabSize: 600 },
    } as const;
    await expect(writeModelFolder(broken, chatFolder)).rejects.toThrow(
      /tokenizer has 600 tokens but the model embeds 512/,
    );
    expect(readFileSync(join(chatFolder, STAMP_FILE)).equals(before)).toBe(true);
    expect(readdirSync(join(chatFolder, '..'))).toEqual(['main']);
  });

  it.each(ALL_DTYPES)(
    "load in Transformers.js 4.3.1 (dtype %s), whose greedy generate() gives the forge's own greedy tokens",
    async (dtype) => {
      const { promptIds, generated } = await transformersGreedy(
        chatFolder,
        dtype,
        'Hello, what is a token?',
        16,
      );
      const preset = PRESETS['tiny-chat'];
      const session = await createSession(buildPresetDtype(buildPresetModel(preset), dtype));
      expect(generated).toEqual(await greedyWithCache(session, preset.model, promptIds, 16));
    },
  );

  it('run in the Transformers.js feature-extraction pipeline, mean-pooled as the forge pools them', async () => {
    const extractor = await pipeline('feature-extraction', embedFolder, { dtype: 'fp32' });
    const sentences = ['The kettle is boiling.', 'Tokens are not words.'];
    const pooled = (await extractor(sentences, { pooling: 'mean', normalize: false })) as Tensor;
    expect(pooled.dims).toEqual([2, 64]);

    const tokenizer = await AutoTokenizer.from_pretrained(embedFolder);
    const encoded = tokenizer(sentences, { padding: true });
    const rows = (tensor: unknown): number[][] =>
      ((tensor as Tensor).tolist() as bigint[][]).map((r) => r.map(Number));
    const session = await createSession(readFileSync(join(embedFolder, 'onnx', 'model.onnx')));
    const ours = await meanPooled(session, rows(encoded['input_ids']), rows(encoded['attention_mask']));
    const theirs = pooled.data as Float32Array;
    ours.forEach((vector, row) => {
      vector.forEach((value, i) => expect(theirs[row * 64 + i]).toBeCloseTo(value, 5));
    });
    await extractor.dispose();
  });
});

describe('forge CLI', () => {
  it('writes the demo presets in seconds under --out, then reports them up to date', async () => {
    const run = promisify(execFile);
    const out = join(root, 'cli');
    const cli = join(import.meta.dirname, 'cli.ts');
    const tsx = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tsx');
    const started = performance.now();
    const first = await run(tsx, [cli, 'demo', '--out', out]);
    const seconds = (performance.now() - started) / 1000;
    expect(first.stdout).toContain('glassbox/tiny-chat written to');
    expect(first.stdout).toContain('glassbox/tiny-embed written to');
    expect(seconds).toBeLessThan(20);
    expect(existsSync(join(out, 'glassbox', 'tiny-embed', 'resolve', 'main', 'onnx', 'model_q4.onnx'))).toBe(
      true,
    );
    const second = await run(tsx, [cli, 'demo', '--out', out]);
    expect(second.stdout).toContain('glassbox/tiny-chat up to date');
    const unknown = await run(tsx, [cli, 'no-such-preset', '--out', out]).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(unknown).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Unknown preset "no-such-preset"'),
    });
  });
});
