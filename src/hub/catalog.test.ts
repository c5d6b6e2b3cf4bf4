import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../tools/forge/presets.ts';
import { BACKENDS, DTYPES, POOLINGS, type Dtype } from '../core/model.ts';
import {
  DISCLOSURES,
  LICENSES,
  OPENNESS_ASPECTS,
  OPENNESS_LEVELS,
  opennessLevel,
  type OpennessCard,
} from '../core/openness.ts';
import { WEIGHT_FORMATS } from '../core/weightFiles.ts';
import {
  CATALOG,
  DEFAULT_CHAT_MODEL_ID,
  DEFAULT_EMBEDDING_MODEL_ID,
  appDtypeFor,
  chooseDtype,
  findModel,
} from './catalog.ts';
import type { CatalogModel } from './catalogEntry.ts';
import { DEMO_MODELS } from './catalogModels.ts';

const hubModels = CATALOG.filter((model) => !model.forged);
const isHttps = (text: string) => /^https:\/\/[^\s/]+\.[^\s/]+\//.test(text);
/** Forged models cite files of this repository instead of URLs. */
const isRepoPath = (text: string) => existsSync(new URL(`../../${text}`, import.meta.url));
const citable = (model: CatalogModel, source: string) =>
  isHttps(source) || (model.forged && isRepoPath(source));
const weightKeys = (model: CatalogModel) => Object.keys(model.sizes) as Dtype[];

function model(id: string): CatalogModel {
  const found = findModel(id);
  if (!found) throw new Error(`${id} is not in the catalog`);
  return found;
}

describe('catalog integrity', () => {
  it('gives every model a unique id of the form org/name', () => {
    const ids = CATALOG.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/);
  });

  it('fills the required fields of every entry', () => {
    for (const entry of CATALOG) {
      expect(entry.label.trim(), entry.id).not.toBe('');
      expect(entry.description.trim(), entry.id).not.toBe('');
      expect(['text-generation', 'feature-extraction'], entry.id).toContain(entry.task);
      expect(weightKeys(entry).length, `${entry.id} lists no weight format`).toBeGreaterThan(0);
      expect(entry.sources.length, entry.id).toBeGreaterThan(0);
      expect(Object.keys(entry.openness).sort(), entry.id).toEqual(Object.keys(OPENNESS_ASPECTS).sort());
      expect(Object.keys(entry.recommended).sort(), entry.id).toEqual([...BACKENDS].sort());
      expect(Object.keys(OPENNESS_LEVELS), entry.id).toContain(entry.opennessLevel);
    }
  });

  it('holds only positive whole sizes, counts and lengths, or null for unknown', () => {
    for (const entry of CATALOG) {
      const numbers = [...Object.values(entry.sizes), entry.parameters, entry.contextLength];
      for (const value of numbers) {
        if (value === null || value === undefined) continue;
        expect(Number.isInteger(value) && value > 0, `${entry.id}: ${value}`).toBe(true);
      }
      for (const key of weightKeys(entry)) expect(Object.keys(WEIGHT_FORMATS), entry.id).toContain(key);
      // A size is only as good as the listing it was read from.
      const anySize = Object.values(entry.sizes).some((size) => size !== null);
      expect(entry.sizesAt !== null, `${entry.id}: sizes need the revision they were read at`).toBe(anySize);
    }
  });

  it('gives every model a license with a name and an https link; the forged ones carry the project’s own, Apache-2.0', () => {
    for (const entry of hubModels) {
      expect(entry.license, entry.id).not.toBeNull();
      expect(entry.license?.name.trim(), entry.id).not.toBe('');
      expect(isHttps(entry.license?.url ?? ''), `${entry.id}: ${entry.license?.url}`).toBe(true);
    }
    for (const entry of DEMO_MODELS) expect(entry.license, entry.id).toBe(LICENSES['apache-2.0']);
  });

  it('cites a source for every openness fact that is not unknown, and none for unknown ones', () => {
    for (const entry of CATALOG) {
      for (const [aspect, fact] of Object.entries(entry.openness)) {
        const where = `${entry.id} ${aspect}`;
        expect(Object.keys(DISCLOSURES), where).toContain(fact.status);
        expect(fact.note.trim(), where).not.toBe('');
        if (fact.status === 'unknown') expect(fact.source, where).toBeNull();
        else expect(citable(entry, fact.source ?? ''), `${where}: ${fact.source}`).toBe(true);
      }
    }
  });

  it('lists its sources as https URLs (repository files for the forged models)', () => {
    for (const entry of CATALOG) {
      for (const source of entry.sources) expect(citable(entry, source), `${entry.id}: ${source}`).toBe(true);
    }
  });

  it('offers at least six chat and four embedding models besides the forged ones', () => {
    expect(hubModels.filter((entry) => entry.task === 'text-generation').length).toBeGreaterThanOrEqual(6);
    expect(hubModels.filter((entry) => entry.task === 'feature-extraction').length).toBeGreaterThanOrEqual(4);
  });

  it('recommends only weight formats the entry publishes', () => {
    for (const entry of CATALOG) {
      for (const backend of BACKENDS) {
        const dtype = entry.recommended[backend];
        if (dtype !== null) expect(weightKeys(entry), `${entry.id} on ${backend}`).toContain(dtype);
      }
    }
  });

  it('derives the loadable dtypes from the published formats', () => {
    for (const entry of CATALOG) {
      expect(entry.dtypes, entry.id).toEqual(DTYPES.filter((dtype) => dtype in entry.sizes));
    }
  });

  it('gives embedding defaults to embedding models only', () => {
    for (const entry of CATALOG) {
      if (entry.task === 'feature-extraction') {
        expect(entry.embedding, entry.id).not.toBeNull();
        expect(POOLINGS, entry.id).toContain(entry.embedding?.pooling);
      } else {
        expect(entry.embedding, entry.id).toBeNull();
      }
    }
  });
});

describe('forged models', () => {
  it('come first and are flagged as forged, labelled as random weights', () => {
    expect(CATALOG.slice(0, DEMO_MODELS.length)).toEqual(DEMO_MODELS);
    expect(DEMO_MODELS.map((entry) => entry.id)).toEqual(['glassbox/tiny-chat', 'glassbox/tiny-embed']);
    for (const entry of DEMO_MODELS) {
      expect(entry.forged).toBe(true);
      expect(entry.description).toMatch(/random weights/i);
      expect(entry.opennessLevel).toBe('fully-open');
    }
    for (const entry of hubModels) expect(entry.id.startsWith('glassbox/'), entry.id).toBe(false);
  });

  it('match the forge presets they are generated from', () => {
    const presets = {
      'glassbox/tiny-chat': PRESETS['tiny-chat'],
      'glassbox/tiny-embed': PRESETS['tiny-embed'],
    };
    for (const entry of DEMO_MODELS) {
      const preset = presets[entry.id as keyof typeof presets];
      expect(preset.repo).toBe(entry.id);
      expect(entry.dtypes).toEqual(preset.dtypes);
      expect(entry.contextLength).toBe(preset.model.maxPositionEmbeddings);
      if (entry.embedding) expect(entry.embedding.dimensions).toBe(preset.model.hiddenSize);
    }
  });

  it('leave sizes and parameter counts to the files the app serves', () => {
    for (const entry of DEMO_MODELS) {
      expect(Object.values(entry.sizes).every((size) => size === null)).toBe(true);
      expect(entry.parameters).toBeNull();
    }
  });

  it('are the defaults for both panels', () => {
    expect(findModel(DEFAULT_CHAT_MODEL_ID)).toMatchObject({ forged: true, task: 'text-generation' });
    expect(findModel(DEFAULT_EMBEDDING_MODEL_ID)).toMatchObject({ forged: true, task: 'feature-extraction' });
  });
});

describe('sizes and recommendations', () => {
  it('adds a format’s files as the Hub lists them, in decimal units', () => {
    expect(model('HuggingFaceTB/SmolLM2-1.7B-Instruct').sizes.fp32).toBe(6_850_166_000);
    expect(model('HuggingFaceTB/SmolLM2-135M-Instruct').sizes.q4).toBe(200_000_000);
    expect(model('Xenova/all-MiniLM-L6-v2').sizes.fp32).toBe(90_400_000);
  });

  it('recommends on WASM what the rule chooses: the smallest integer download whose weights fit as they run', () => {
    for (const entry of hubModels) {
      if (Object.values(entry.sizes).some((size) => size === null)) continue; // the rule needs every size
      expect(entry.recommended.wasm, entry.id).toBe(chooseDtype('wasm', entry.sizes));
    }
  });

  it('chooses on WASM by size among the formats that run as int8, within the budget as they run', () => {
    // q4f16 is the smallest; it runs as int8 in at most twice its download.
    expect(chooseDtype('wasm', { fp32: 654e6, q4: 200e6, q4f16: 134e6 })).toBe('q4f16');
    // Twice 1.07 GB is over the 2 GB budget: q8 (1.24 GB, run as downloaded) instead.
    expect(chooseDtype('wasm', { fp32: 4.94e9, q8: 1.24e9, q4: 1.66e9, q4f16: 1.07e9 })).toBe('q8');
    // Unknown sizes come after known ones, q8 first among them; fp32 only when no integer format fits.
    expect(chooseDtype('wasm', { fp32: null, q4: null, q8: null })).toBe('q8');
    expect(chooseDtype('wasm', { q4: null, q8: 3e9 })).toBe('q4');
    expect(chooseDtype('wasm', { fp32: 600e6, q4: 1.5e9 })).toBe('fp32');
    expect(chooseDtype('wasm', { fp16: 900e6, bnb4: 300e6 })).toBe('fp16');
    expect(chooseDtype('wasm', { fp32: 6e9 })).toBeNull();
  });

  it('picks the recommended dtype where it runs, else the next in the backend’s order, or none', () => {
    expect(appDtypeFor(model('onnx-community/Llama-3.2-1B-Instruct'), 'wasm')).toBe('q8');
    expect(appDtypeFor(model('HuggingFaceTB/SmolLM2-135M-Instruct'), 'wasm')).toBe('q4f16');
    expect(appDtypeFor(model('Xenova/all-MiniLM-L6-v2'), 'wasm')).toBe('q8');
    expect(appDtypeFor(model('HuggingFaceTB/SmolLM2-1.7B-Instruct'), 'webgpu')).toBe('q4f16');
    // Without shader-f16 no float16 format runs on WebGPU: q4 instead, and nothing for a q4f16-only model.
    expect(appDtypeFor(model('HuggingFaceTB/SmolLM2-1.7B-Instruct'), 'webgpu', false)).toBe('q4');
    expect(appDtypeFor(model('onnx-community/Qwen3-0.6B-ONNX'), 'webgpu', false)).toBeNull();
    expect(appDtypeFor(model('onnx-community/Qwen3-0.6B-ONNX'), 'wasm')).toBe('q4f16');
    expect(appDtypeFor(model('glassbox/tiny-chat'), 'webgpu')).toBe('fp32');
  });
});

describe('openness', () => {
  it('places the catalog’s models where their cards put them', () => {
    expect(model('HuggingFaceTB/SmolLM2-135M-Instruct').opennessLevel).toBe('fully-open');
    expect(model('Xenova/all-MiniLM-L6-v2').opennessLevel).toBe('fully-open');
    expect(model('Xenova/bge-small-en-v1.5').opennessLevel).toBe('open-weights-and-code');
    expect(model('onnx-community/Qwen2.5-0.5B-Instruct').opennessLevel).toBe('open-weights');
    expect(model('onnx-community/Llama-3.2-1B-Instruct').opennessLevel).toBe('restricted-weights');
    expect(model('onnx-community/embeddinggemma-300m-ONNX').opennessLevel).toBe('restricted-weights');
  });

  it('derives the level from the facts, not from a label', () => {
    const fact = (status: keyof typeof DISCLOSURES) => ({ status, source: null, note: '' });
    const card = (
      weights: keyof typeof DISCLOSURES,
      code: keyof typeof DISCLOSURES,
      data: keyof typeof DISCLOSURES,
    ) =>
      ({
        architecture: fact('yes'),
        weights: fact(weights),
        trainingCode: fact(code),
        trainingData: fact(data),
      }) satisfies OpennessCard;
    const apache = LICENSES['apache-2.0'];
    expect(opennessLevel(card('no', 'yes', 'yes'), apache)).toBe('closed');
    expect(opennessLevel(card('yes', 'yes', 'yes'), LICENSES['llama3.2'])).toBe('restricted-weights');
    expect(opennessLevel(card('yes', 'unknown', 'no'), apache)).toBe('open-weights');
    expect(opennessLevel(card('yes', 'yes', 'partly'), apache)).toBe('open-weights-and-code');
    expect(opennessLevel(card('yes', 'yes', 'yes'), null)).toBe('fully-open');
  });
});
