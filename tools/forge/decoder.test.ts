/**
 * The forged LLaMA-style decoder, run in onnxruntime-node the way Transformers.js runs it:
 * tiny-chat, and smollm2-135m-shaped at its full 30 layers (forged in memory, ~10 s).
 *
 * Run: npx vitest run tools/forge/decoder.test.ts
 */
import type { InferenceSession } from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDecoder, type DecoderConfig } from './decoder.ts';
import type { OnnxModel } from './onnx/graph.ts';
import { PRESETS } from './presets.ts';
import {
  createSession,
  emptyCache,
  greedyWithCache,
  greedyWithoutCache,
  leftPaddedBatch,
  logitsAt,
  maxAbs,
  maxAbsDifference,
  repetitionStats,
  runDecoderStep,
} from './testing/ort.ts';
import { llamaReferenceLogits } from './testing/reference.ts';

interface Case {
  readonly label: string;
  readonly config: DecoderConfig;
  readonly seed: number;
  /** Prompts as token ids (any ids below the vocabulary size). */
  readonly prompts: readonly (readonly number[])[];
}

const CASES: readonly Case[] = [
  {
    label: 'tiny-chat',
    config: PRESETS['tiny-chat'].model,
    seed: PRESETS['tiny-chat'].seed,
    prompts: [[1, 2, 3], [100, 200, 300, 400], [5], [77, 66, 55, 44, 33, 22]],
  },
  {
    label: 'smollm2-135m-shaped (all 30 layers)',
    config: PRESETS['smollm2-135m-shaped'].model,
    seed: PRESETS['smollm2-135m-shaped'].seed,
    prompts: [[1, 9338, 30, 2], [1, 2, 3, 4, 5, 6, 7, 8], [40000], [12345, 23456, 34567]],
  },
];

/** Relative to the largest |logit|: float32 graph vs float64 re-statement of the same math. */
const REFERENCE_TOLERANCE = 1e-4;
/** Absolute, on logits: a padded row differs from the row alone only by float summation order. */
const PADDING_TOLERANCE = 1e-4;

describe.each(CASES)('forged decoder $label', ({ config, seed, prompts }) => {
  let model: OnnxModel;
  let session: InferenceSession;

  beforeAll(async () => {
    model = buildDecoder(config, seed);
    session = await createSession(model);
  });

  it('declares the inputs and outputs Transformers.js feeds and reads, with numeric head dims', () => {
    const dims = (name: string): readonly (string | number)[] | undefined =>
      [...model.graph.inputs, ...model.graph.outputs].find((v) => v.name === name)?.dims;
    expect(model.graph.inputs.slice(0, 3).map((i) => i.name)).toEqual([
      'input_ids',
      'attention_mask',
      'position_ids',
    ]);
    expect(dims('input_ids')).toEqual(['batch_size', 'sequence_length']);
    expect(dims('attention_mask')).toEqual(['batch_size', 'total_sequence_length']);
    expect(dims('position_ids')).toEqual(['batch_size', 'sequence_length']);
    expect(dims(`past_key_values.${config.numLayers - 1}.value`)).toEqual([
      'batch_size',
      config.numKvHeads,
      'past_sequence_length',
      config.headDim,
    ]);
    expect(dims('logits')).toEqual(['batch_size', 'sequence_length', config.vocabSize]);
    expect(dims('present.0.key')).toEqual([
      'batch_size',
      config.numKvHeads,
      'total_sequence_length',
      config.headDim,
    ]);
    expect(model.graph.inputs).toHaveLength(3 + 2 * config.numLayers);
    expect(model.graph.outputs).toHaveLength(1 + 2 * config.numLayers);
    expect(model.opsets).toEqual([{ domain: '', version: 17 }]);
  });

  it(`matches a plain TypeScript re-statement of HF modeling_llama (max |Δlogit| ≤ ${REFERENCE_TOLERANCE} · max |logit|)`, async () => {
    const tokens = prompts[1] ?? [];
    const step = await runDecoderStep(session, config, {
      inputIds: [tokens],
      attentionMask: [tokens.map(() => 1)],
      positionIds: [tokens.map((_, i) => i)],
      cache: emptyCache(config, 1),
    });
    const reference = llamaReferenceLogits(model, config, tokens);
    expect(maxAbsDifference(step.logits, reference)).toBeLessThanOrEqual(
      REFERENCE_TOLERANCE * maxAbs(reference),
    );
  });

  it('gives the same 16 greedy tokens with the KV cache as with full recomputation', async () => {
    for (const prompt of prompts.slice(0, 2)) {
      const cached = await greedyWithCache(session, config, prompt, 16);
      const recomputed = await greedyWithoutCache(session, config, prompt, 16);
      expect(cached).toEqual(recomputed);
    }
  });

  it(`gives each row of a left-padded batch the logits it gets alone (max |Δ| ≤ ${PADDING_TOLERANCE})`, async () => {
    const [long = [], short = []] = [...prompts].sort((a, b) => b.length - a.length);
    const padId = 2;
    const batch = await runDecoderStep(session, config, {
      ...leftPaddedBatch([long, short], padId),
      cache: emptyCache(config, 2),
    });
    const offset = long.length - short.length;
    for (const [row, prompt, shift] of [
      [0, long, 0],
      [1, short, offset],
    ] as const) {
      const alone = await runDecoderStep(session, config, {
        inputIds: [prompt],
        attentionMask: [prompt.map(() => 1)],
        positionIds: [prompt.map((_, i) => i)],
        cache: emptyCache(config, 1),
      });
      for (let position = 0; position < prompt.length; position++) {
        expect(
          maxAbsDifference(logitsAt(batch, row, position + shift), logitsAt(alone, 0, position)),
        ).toBeLessThanOrEqual(PADDING_TOLERANCE);
      }
    }

    // One cached step after the padded prefill still agrees: the mask offsets queries by the past length.
    const next = [[7], [9]];
    const total = long.length + 1;
    const continued = await runDecoderStep(session, config, {
      inputIds: next,
      attentionMask: [
        new Array<number>(total).fill(1),
        [...new Array<number>(offset).fill(0), ...new Array<number>(short.length + 1).fill(1)],
      ],
      positionIds: [[long.length], [short.length]],
      cache: batch.cache,
    });
    const shortAlone = await runDecoderStep(session, config, {
      inputIds: [[...short, 9]],
      attentionMask: [new Array<number>(short.length + 1).fill(1)],
      positionIds: [[...short, 9].map((_, i) => i)],
      cache: emptyCache(config, 1),
    });
    expect(
      maxAbsDifference(logitsAt(continued, 1, 0), logitsAt(shortAlone, 0, short.length)),
    ).toBeLessThanOrEqual(PADDING_TOLERANCE);
  });

  it('does not collapse into repeating a token: 32 greedy tokens per prompt, ≥ 16 distinct ids, no run longer than 4', async () => {
    for (const prompt of prompts) {
      const tokens = await greedyWithCache(session, config, prompt, 32);
      const { distinct, longestRun } = repetitionStats(tokens);
      expect({ prompt, distinct: distinct >= 16, longestRun: longestRun <= 4 }).toEqual({
        prompt,
        distinct: true,
        longestRun: true,
      });
    }
  });
});

describe('forged decoder weights', () => {
  it('are a function of seed and tensor name only: a 2-layer variant has exactly the first layers of a 3-layer one', () => {
    const { model: config, seed } = PRESETS['tiny-chat'];
    const name = 'model.layers.1.mlp.down_proj.weight';
    const find = (m: OnnxModel): Uint8Array | undefined =>
      m.graph.initializers.find((t) => t.name === name)?.data;
    expect(find(buildDecoder({ ...config, numLayers: 2 }, seed))).toEqual(
      find(buildDecoder({ ...config, numLayers: 3 }, seed)),
    );
  });

  it('untied models get their own lm_head MatMul weight instead of the embedding Transpose', () => {
    const model = buildDecoder({ ...PRESETS['tiny-chat'].model, tieWordEmbeddings: false }, 1);
    expect(model.graph.initializers.some((t) => t.name === 'lm_head.weight')).toBe(true);
    expect(
      model.graph.nodes.some((n) => n.opType === 'Transpose' && n.inputs[0] === 'model.embed_tokens.weight'),
    ).toBe(false);
  });
});
