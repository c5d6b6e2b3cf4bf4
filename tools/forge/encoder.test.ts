/**
 * The forged BERT-style encoder in onnxruntime-node: tiny-embed and minilm-l6-shaped (full size).
 *
 * Run: npx vitest run tools/forge/encoder.test.ts
 */
import type { InferenceSession } from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEncoder, type EncoderConfig } from './encoder.ts';
import type { OnnxModel } from './onnx/graph.ts';
import { encodeModel } from './onnx/proto.ts';
import { PRESETS } from './presets.ts';
import { cosine, createSession, int64Tensor, maxAbs, maxAbsDifference, meanPooled } from './testing/ort.ts';
import { bertReferenceHidden } from './testing/reference.ts';

/** Relative to the largest |value|: float32 graph vs float64 re-statement. */
const REFERENCE_TOLERANCE = 1e-5;
/** Absolute, on pooled vectors: a padded row vs the same row alone. */
const PADDING_TOLERANCE = 1e-5;

// [CLS]=2 … [SEP]=3 as in the forged WordPiece layout; ids in between are arbitrary words.
const SENTENCES = {
  catOnMat: [2, 300, 301, 302, 303, 304, 3],
  catOnRug: [2, 300, 301, 302, 303, 305, 3],
  unrelated: [2, 600, 601, 602, 603, 604, 605, 606, 3],
} as const;

const CASES = [
  { label: 'tiny-embed', config: PRESETS['tiny-embed'].model, seed: PRESETS['tiny-embed'].seed },
  {
    label: 'minilm-l6-shaped',
    config: PRESETS['minilm-l6-shaped'].model,
    seed: PRESETS['minilm-l6-shaped'].seed,
  },
] satisfies readonly { label: string; config: EncoderConfig; seed: number }[];

const ones = (row: readonly number[]): number[] => row.map(() => 1);

describe.each(CASES)('forged encoder $label', ({ config, seed }) => {
  let model: OnnxModel;
  let session: InferenceSession;

  beforeAll(async () => {
    model = buildEncoder(config, seed);
    session = await createSession(model);
  });

  it('declares the inputs and output Transformers.js uses for feature extraction', () => {
    expect(model.graph.inputs.map((i) => [i.name, i.dtype, i.dims])).toEqual(
      ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => [
        name,
        'int64',
        ['batch_size', 'sequence_length'],
      ]),
    );
    expect(model.graph.outputs).toEqual([
      {
        name: 'last_hidden_state',
        dtype: 'float32',
        dims: ['batch_size', 'sequence_length', config.hiddenSize],
      },
    ]);
  });

  it(`matches a plain TypeScript re-statement of HF modeling_bert (max |Δ| ≤ ${REFERENCE_TOLERANCE} · max |value|)`, async () => {
    const tokens = SENTENCES.unrelated;
    const out = await session.run({
      input_ids: int64Tensor([tokens]),
      attention_mask: int64Tensor([ones(tokens)]),
      token_type_ids: int64Tensor([tokens.map(() => 0)]),
    });
    const reference = bertReferenceHidden(model, config, tokens);
    expect(maxAbsDifference(out['last_hidden_state']?.data as Float32Array, reference)).toBeLessThanOrEqual(
      REFERENCE_TOLERANCE * maxAbs(reference),
    );
  });

  it('gives byte-identical mean-pooled vectors across two forgings, and different vectors for different sentences', async () => {
    const again = await createSession(encodeModel(buildEncoder(config, seed)).onnx);
    const pooled = async (s: InferenceSession, tokens: readonly number[]): Promise<Float32Array> => {
      const [vector] = await meanPooled(s, [tokens], [ones(tokens)]);
      if (vector === undefined) throw new Error('no pooled vector');
      return vector;
    };
    expect(await pooled(again, SENTENCES.catOnMat)).toEqual(await pooled(session, SENTENCES.catOnMat));

    const mat = await pooled(session, SENTENCES.catOnMat);
    const rug = await pooled(session, SENTENCES.catOnRug);
    const unrelated = await pooled(session, SENTENCES.unrelated);
    expect(cosine(mat, unrelated)).toBeLessThan(0.99);
    // Random weights still keep sentences that share most words closer than sentences that share none.
    expect(cosine(mat, rug)).toBeGreaterThan(cosine(mat, unrelated));
  });

  it(`pools a padded batch row to the same vector as the row alone (max |Δ| ≤ ${PADDING_TOLERANCE})`, async () => {
    const short = SENTENCES.catOnMat;
    const long = SENTENCES.unrelated;
    const padded = [...short, ...new Array<number>(long.length - short.length).fill(0)];
    const mask = [...ones(short), ...new Array<number>(long.length - short.length).fill(0)];
    const [, batchRow = new Float32Array()] = await meanPooled(session, [long, padded], [ones(long), mask]);
    const [alone = new Float32Array(1)] = await meanPooled(session, [short], [ones(short)]);
    expect(maxAbsDifference(batchRow, alone)).toBeLessThanOrEqual(PADDING_TOLERANCE);
  });
});
