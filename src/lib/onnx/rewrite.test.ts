/**
 * The CPU rewrite of 4-bit and float16 graphs, checked against onnxruntime-node running the original
 * file: the fp32 form gives the same logits, the int8 form the same greedy tokens (or a near tie), and
 * float16 graphs run as float32 with float32 inputs and outputs.
 *
 * Run: npx vitest run src/lib/onnx/rewrite.test.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPresetModel, presetDtypes } from '../../../tools/forge/buildModel.ts';
import {
  GraphBuilder,
  MICROSOFT_DOMAIN,
  tensorAttr,
  type OnnxModel,
} from '../../../tools/forge/onnx/graph.ts';
import { encodeModel } from '../../../tools/forge/onnx/proto.ts';
import { PRESETS } from '../../../tools/forge/presets.ts';
import { float16GraphToFloat32 } from '../../../tools/forge/testing/float32.ts';
import {
  float16Tensor,
  floatInput,
  matMulNBitsModel,
  type NBitsCase,
} from '../../../tools/forge/testing/matMulNBits.ts';
import {
  compareGreedy,
  createSession,
  emptyCache,
  floatData,
  greedyTrace,
  maxAbs,
  maxAbsDifference,
  runDecoderStep,
  type DecoderShape,
  type GreedyTrace,
} from '../../../tools/forge/testing/ort.ts';
import { rewriteOnnx, RewriteError, type RewriteOptions, type RewriteTarget } from './rewrite.ts';
import { summarizeOnnx } from './summary.ts';
import { dequantize, fullPrecisionName, quantizationOf, tensorValues } from './tensorData.ts';
import { scan } from './wire.ts';

const preset = PRESETS['tiny-chat'];
const shape: DecoderShape = {
  numLayers: preset.model.numLayers,
  numKvHeads: preset.model.numKvHeads,
  headDim: preset.model.headDim,
  vocabSize: preset.model.vocabSize,
};
const PROMPT = [1, 5, 9, 12, 40, 41];
const STEPS = 32;
/** Absolute, on logits: the same weights, another summation order (MatMul vs MatMulNBits kernels). */
const FP32_TOLERANCE = 1e-4;
/** A first difference of the int8 form counts as a near tie below this share of the largest |logit|. */
const NEAR_TIE = 0.01;

const range = (start: number, length: number) => Array.from({ length }, (_, i) => start + i);

/** Over the prompt and every greedy step, fed the reference's tokens: the largest logit difference. */
async function worstLogitDifference(session: ort.InferenceSession, reference: GreedyTrace) {
  const ours = await greedyTrace(session, shape, PROMPT, STEPS, reference.tokens);
  expect(ours.tokens).toEqual(reference.tokens);
  return Math.max(...ours.logits.map((row, step) => maxAbsDifference(row, reference.logits[step] ?? [])));
}

/**
 * The session's greedy tokens against the reference's: fed the reference's tokens it sees the same inputs
 * at every step, and wherever it picks another token the reference's own margin between the two must be
 * a near tie. Free-running, the first difference is the first of these. Prints what it found.
 */
async function expectSameOrNearTies(label: string, session: ort.InferenceSession, reference: GreedyTrace) {
  const fed = await greedyTrace(session, shape, PROMPT, STEPS, reference.tokens);
  const free = await greedyTrace(session, shape, PROMPT, STEPS);
  const ties = fed.tokens.flatMap((token, step) => {
    const logits = reference.logits[step] ?? new Float32Array();
    const chosen = reference.tokens[step] ?? 0;
    if (token === chosen) return [];
    const margin = (logits[chosen] ?? 0) - (logits[token] ?? 0);
    return [{ step, margin, share: margin / maxAbs(logits) }];
  });
  const { step: first } = compareGreedy(reference, free);
  const error = maxAbsDifference(fed.logits[0] ?? [], reference.logits[0] ?? []);
  console.info(
    `${label}: the reference's greedy token at ${STEPS - ties.length} of ${STEPS} steps` +
      `${ties.map(({ step, margin }) => `; step ${step}: margin ${margin.toFixed(4)}`).join('')}; ` +
      `free-running, ${first === null ? 'the same 32 tokens' : `the first different token at step ${first}`}; ` +
      `logit error at the prompt ${error.toFixed(4)} (largest |logit| ${maxAbs(reference.logits[0] ?? []).toFixed(2)}).`,
  );
  // The form's error is small beside the logits.
  expect(error).toBeLessThan(0.1 * maxAbs(reference.logits[0] ?? []));
  expect(first === null || ties[0]?.step === first).toBe(true);
  for (const { share } of ties) expect(share).toBeLessThan(NEAR_TIE);
}

async function traceOf(bytes: Uint8Array): Promise<GreedyTrace> {
  const session = await createSession(bytes);
  const trace = await greedyTrace(session, shape, PROMPT, STEPS);
  await session.release();
  return trace;
}

const graphOf = presetDtypes(buildPresetModel(preset));

describe('tiny-chat q4, rewritten for the CPU', () => {
  const q4 = encodeModel(graphOf('q4')).onnx;
  let original: GreedyTrace;

  beforeAll(async () => {
    original = await traceOf(q4);
  });

  it('fp32: the logits of the original q4 file within 1e-4, over the prompt and 32 greedy steps', async () => {
    const { model, report } = await rewriteOnnx(q4, { target: 'fp32' });
    expect(report).toMatchObject({ target: 'fp32', exact: true, matMulNBits: 15, externalData: false });
    expect(report.variants).toEqual(['4-bit, block 32, float32 scales, packed zero points']);
    const session = await createSession(model);
    expect(await worstLogitDifference(session, original)).toBeLessThanOrEqual(FP32_TOLERANCE);
    await session.release();
  });

  it("fp32: each weight holds exactly the Inspector's dequantized values", async () => {
    const { model } = await rewriteOnnx(q4, { target: 'fp32' });
    const before = summarizeOnnx(q4);
    const after = summarizeOnnx(model);
    const values = (bytes: Uint8Array, summary: typeof before) => (name: string) => {
      const tensor = summary.initializers.find((candidate) => candidate.name === name);
      if (!tensor) throw new Error(`no tensor ${name}`);
      return tensorValues(tensor, bytes);
    };
    const packed = before.nodes
      .filter((node) => node.opType === 'MatMulNBits')
      .map((node) => node.inputs[1] ?? '');
    expect(packed).toHaveLength(15);
    for (const name of packed) {
      const quantization = quantizationOf(before, name);
      if (!quantization) throw new Error(`${name} is not quantized`);
      expect(values(model, after)(fullPrecisionName(name))).toEqual(
        dequantize(quantization, values(q4, before)),
      );
    }
    // The 4-bit tensors are gone with the nodes that read them.
    expect(after.initializers.filter((tensor) => /_Q4|_scales|_zero_points/.test(tensor.name))).toEqual([]);
    expect(after.nodes.filter((node) => node.opType === 'MatMulNBits')).toEqual([]);
  });

  it("int8: the original's greedy tokens over 32 steps, or near ties where they differ", async () => {
    const { model, report } = await rewriteOnnx(q4, { target: 'int8' });
    expect(report).toMatchObject({ target: 'int8', exact: false, matMulNBits: 15 });
    const session = await createSession(model);
    await expectSameOrNearTies('q4 as int8', session, original);
    await session.release();
  });

  it('int8: one activation quantizer per input tensor, per-column weights the Inspector reads', async () => {
    const { model } = await rewriteOnnx(q4, { target: 'int8' });
    const summary = summarizeOnnx(model);
    const count = (op: string) => summary.nodes.filter((node) => node.opType === op).length;
    expect(count('MatMulInteger')).toBe(15);
    // Per layer q/k/v share one input, gate/up another; o, down and lm_head have their own.
    expect(count('DynamicQuantizeLinear')).toBe(2 * 4 + 1);
    expect(count('MatMulNBits')).toBe(0);
    const before = summarizeOnnx(q4);
    const lookup = (bytes: Uint8Array, s: typeof summary) => (name: string) =>
      tensorValues(s.initializers.find((tensor) => tensor.name === name) ?? s.initializers[0]!, bytes);
    const name = 'model.layers.0.mlp.up_proj.weight';
    const int8 = quantizationOf(summary, `${name}_quantized`);
    const q4weights = quantizationOf(before, `${name}_Q4`);
    if (!int8 || !q4weights || q4weights.scheme !== 'nbits') throw new Error('weights not found');
    const dims = [q4weights.K, q4weights.N];
    const approximate = dequantize(int8, lookup(model, summary), dims);
    const exact = dequantize(q4weights, lookup(q4, before));
    const scales = lookup(model, summary)(`${name}_scale`);
    approximate.forEach((value, i) =>
      expect(Math.abs(value - (exact[i] ?? 0))).toBeLessThanOrEqual(
        (scales[i % q4weights.N] ?? 0) / 2 + 1e-7,
      ),
    );
  });

  it('copies every field it does not rewrite byte for byte, unknown fields included', async () => {
    // An unknown ModelProto field (number 100, a string), as a newer exporter might add.
    const unknown = Uint8Array.from([0xa2, 0x06, 5, ...new TextEncoder().encode('later')]);
    const withUnknown = new Uint8Array([...q4, ...unknown]);
    const { model } = await rewriteOnnx(withUnknown, { target: 'int8' });
    const fields = scan(model, 0, model.length);
    const kept = fields.find((field) => field.field === 100);
    expect(kept && model.subarray(kept.start, kept.end)).toEqual(unknown);
    const nodesOf = (bytes: Uint8Array) => {
      const graph = scan(bytes, 0, bytes.length).find((field) => field.field === 7);
      if (!graph) throw new Error('no graph');
      return scan(bytes, graph.valueStart, graph.end)
        .filter((field) => field.field === 1)
        .map((field) => Buffer.from(bytes.subarray(field.start, field.end)).toString('hex'));
    };
    const after = new Set(nodesOf(model));
    const untouched = summarizeOnnx(q4).nodes.map((node) => node.opType !== 'MatMulNBits');
    const originalNodes = nodesOf(q4).filter((_, i) => untouched[i]);
    expect(originalNodes.length).toBeGreaterThan(50);
    for (const node of originalNodes) expect(after.has(node)).toBe(true);
  });
});

describe('tiny-chat q4f16 and fp16 (float16 exports), rewritten for the CPU', () => {
  const q4f16 = encodeModel(graphOf('q4f16')).onnx;
  const fp16 = encodeModel(graphOf('fp16')).onnx;

  /** Inputs and outputs of a session that are floats, by element type. */
  async function floatTypes(bytes: Uint8Array) {
    const session = await createSession(bytes);
    const types = [...session.inputMetadata, ...session.outputMetadata]
      .map((value) => (value.isTensor ? value.type : 'other'))
      .filter((type) => type.startsWith('float'));
    await session.release();
    return new Set(types);
  }

  it('q4f16 as fp32: the logits of its float32 twin (the same weights in float32) within 1e-4', async () => {
    const { model, report } = await rewriteOnnx(q4f16, { target: 'fp32' });
    expect(report).toMatchObject({ exact: true, matMulNBits: 15 });
    expect(report.variants).toEqual(['4-bit, block 32, float16 scales, packed zero points']);
    // The KV cache in and out (2 per layer each way) and the logits.
    expect(report.float16Values).toBe(4 * preset.model.numLayers + 1);
    expect(await floatTypes(q4f16)).toEqual(new Set(['float16']));
    expect(await floatTypes(model)).toEqual(new Set(['float32']));
    const twin = await traceOf(encodeModel(float16GraphToFloat32(graphOf('q4f16'))).onnx);
    const session = await createSession(model);
    expect(await worstLogitDifference(session, twin)).toBeLessThanOrEqual(FP32_TOLERANCE);
    await session.release();
  });

  it.each(['fp32', 'int8'] as const)(
    "q4f16 as %s: the original file's greedy tokens, or near ties where they differ",
    async (target) => {
      const { model } = await rewriteOnnx(q4f16, { target });
      const session = await createSession(model);
      await expectSameOrNearTies(`q4f16 as ${target}`, session, await traceOf(q4f16));
      await session.release();
    },
  );

  it("fp16 as fp32: the logits of its float32 twin within 1e-4, the original file's greedy tokens", async () => {
    const { model, report } = await rewriteOnnx(fp16, { target: 'int8' });
    // No 4-bit weights: the target does not matter, the float16 weights become float32 exactly.
    expect(report).toMatchObject({ matMulNBits: 0, exact: true });
    expect(report.float16Tensors).toBeGreaterThan(10);
    expect(await floatTypes(model)).toEqual(new Set(['float32']));
    const twin = await traceOf(encodeModel(float16GraphToFloat32(graphOf('fp16'))).onnx);
    const session = await createSession(model);
    expect(await worstLogitDifference(session, twin)).toBeLessThanOrEqual(FP32_TOLERANCE);
    await expectSameOrNearTies('fp16 as fp32', session, await traceOf(fp16));
    await session.release();
  });
});

/** onnx.proto through protobufjs, to edit a model where the forge's builder cannot (sharding, subgraphs). */
const onnxProto = new protobuf.Root()
  .loadSync(new URL('../../../tools/forge/onnx/onnx.proto', import.meta.url).pathname, { keepCase: true })
  .lookupType('onnx.ModelProto');

interface Edited {
  [key: string]: unknown;
}

function edit(bytes: Uint8Array, change: (model: Edited) => void): Uint8Array {
  const model = onnxProto.toObject(onnxProto.decode(bytes), { longs: Number, arrays: true }) as Edited;
  change(model);
  return onnxProto.encode(onnxProto.fromObject(model)).finish();
}

describe('external data', () => {
  const q4Model = graphOf('q4');
  const inline = encodeModel(q4Model).onnx;
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'rewrite-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  /** The q4 model with its tensors in two files, as sharded exports ship them. */
  function sharded(): { onnx: Uint8Array; files: Map<string, Uint8Array> } {
    const encoded = encodeModel(q4Model, {
      externalThresholdBytes: 0,
      externalDataFile: 'model_q4.onnx_data',
    });
    const whole = new Uint8Array(encoded.externalData?.flatMap((chunk) => Array.from(chunk)) ?? []);
    const second: number[] = [];
    let index = 0;
    const onnx = edit(encoded.onnx, (model) => {
      const graph = model['graph'] as { initializer: { external_data?: { key: string; value: string }[] }[] };
      for (const tensor of graph.initializer) {
        const entries = tensor.external_data;
        if (!entries?.length || index++ % 2 === 0) continue;
        const get = (key: string) => Number(entries.find((entry) => entry.key === key)?.value);
        const [offset, length] = [get('offset'), get('length')];
        const moved = second.length;
        second.push(...whole.subarray(offset, offset + length));
        for (const entry of entries) {
          if (entry.key === 'location') entry.value = 'model_q4.onnx_data_1';
          if (entry.key === 'offset') entry.value = String(moved);
        }
      }
    });
    return {
      onnx,
      files: new Map([
        ['model_q4.onnx_data', whole],
        ['model_q4.onnx_data_1', Uint8Array.from(second)],
      ]),
    };
  }

  async function promptLogits(session: ort.InferenceSession) {
    const out = await runDecoderStep(session, shape, {
      inputIds: [PROMPT],
      attentionMask: [PROMPT.map(() => 1)],
      positionIds: [range(0, PROMPT.length)],
      cache: emptyCache(shape, 1),
    });
    return out.logits.slice();
  }

  it('reads sharded external data and writes one self-contained file', async () => {
    const { onnx, files } = sharded();
    const { model, externalData, report } = await rewriteOnnx(onnx, { target: 'fp32', externalData: files });
    expect(externalData).toBeNull();
    expect(report.bytesBefore).toBe(
      onnx.length + [...files.values()].reduce((sum, file) => sum + file.length, 0),
    );
    const reference = await createSession(inline);
    const ours = await createSession(model);
    expect(maxAbsDifference(await promptLogits(ours), await promptLogits(reference))).toBeLessThanOrEqual(
      FP32_TOLERANCE,
    );
    await Promise.all([reference.release(), ours.release()]);
  });

  it('puts the weights in an external data file when they would not fit inline', async () => {
    const { onnx, files } = sharded();
    const { model, externalData, report } = await rewriteOnnx(onnx, {
      target: 'int8',
      externalData: files,
      externalThresholdBytes: 0,
      externalDataName: 'model_rewritten.onnx_data',
    });
    expect(report.externalData).toBe(true);
    expect(externalData?.location).toBe('model_rewritten.onnx_data');
    const big = summarizeOnnx(model).initializers.filter((tensor) => tensor.bytes >= 1024);
    expect(big.length).toBeGreaterThan(10);
    for (const tensor of big)
      expect(tensor.payload).toMatchObject({ kind: 'external', location: 'model_rewritten.onnx_data' });
    for (const tensor of big)
      expect(tensor.payload.kind === 'external' && tensor.payload.offset % 4096).toBe(0);
    writeFileSync(join(directory, 'model_rewritten.onnx'), model);
    writeFileSync(join(directory, 'model_rewritten.onnx_data'), externalData?.bytes ?? new Uint8Array());
    const fromFiles = await createSession(join(directory, 'model_rewritten.onnx'));
    const inlineForm = await createSession((await rewriteOnnx(inline, { target: 'int8' })).model);
    expect(Array.from(await promptLogits(fromFiles))).toEqual(Array.from(await promptLogits(inlineForm)));
    await Promise.all([fromFiles.release(), inlineForm.release()]);
  });
});

describe('float16 graphs run as float32', () => {
  const K = 64;
  const N = 32;

  /**
   * A small float16 graph with what converters write: float16 inputs and outputs, initializers, a Constant,
   * ConstantOfShape, Cast(to=FLOAT16), value_info, a MatMulNBits with float16 scales, zero points and bias,
   * and an If whose branches hold float16 initializers.
   */
  function float16Graph(): Uint8Array {
    const nbits = matMulNBitsModel({
      K,
      N,
      blockSize: 32,
      scales: 'float16',
      zeroPoints: 'float16',
      bias: true,
    });
    const g = new GraphBuilder();
    const x = g.input('x', 'float16', ['batch', K]);
    const offset = float16Tensor(
      'offset',
      [K],
      Uint16Array.from({ length: K }, (_, i) => 0x3000 + i * 8),
    );
    const shifted = g.op(
      'Add',
      [x, g.op('Constant', [], { value: tensorAttr(offset) })],
      {},
      { output: 'shifted' },
    );
    const nodeOf = nbits.graph.nodes[0];
    if (!nodeOf) throw new Error('no MatMulNBits');
    const product = g.op(
      'MatMulNBits',
      [shifted, ...nodeOf.inputs.slice(1)],
      { K, N, bits: 4, block_size: 32 },
      {
        domain: MICROSOFT_DOMAIN,
      },
    );
    const half = float16Tensor('half', [1], Uint16Array.from([0x3800]));
    const filled = g.op('ConstantOfShape', [g.op('Shape', [product])], { value: tensorAttr(half) });
    const sum = g.op('Add', [product, filled]);
    const wide = g.op('Cast', [sum], { to: 1 });
    g.output(g.op('Cast', [wide], { to: 10 }), 'y', 'float16', ['batch', N]);
    g.output(g.op('Tanh', [wide]), 'y32', 'float32', ['batch', N]);
    const cond = g.input('flag', 'bool', []);
    g.node('If', [cond], {}, { outputs: ['branch'] });
    g.output('branch', 'branch', 'float16', [N]);
    const built = g.toModel({ opset: 17 });
    const model: OnnxModel = {
      ...built,
      opsets: [
        ...built.opsets.filter((opset) => opset.domain !== MICROSOFT_DOMAIN),
        { domain: MICROSOFT_DOMAIN, version: 1 },
      ],
      graph: { ...built.graph, initializers: [...built.graph.initializers, ...nbits.graph.initializers] },
    };
    const tensor16 = (name: string, value: number) => ({
      name,
      dims: [N],
      data_type: 10,
      raw_data: new Uint8Array(new Uint16Array(N).fill(value).buffer),
    });
    const value16 = (name: string) => ({
      name,
      type: { tensor_type: { elem_type: 10, shape: { dim: [{ dim_value: N }] } } },
    });
    const branch = (name: string, value: number) => ({
      name,
      node: [{ input: [`${name}_c`], output: [`${name}_out`], name: `${name}_id`, op_type: 'Identity' }],
      initializer: [tensor16(`${name}_c`, value)],
      output: [value16(`${name}_out`)],
    });
    return edit(encodeModel(model).onnx, (message) => {
      const graph = message['graph'] as {
        node: { op_type: string; attribute?: unknown[] }[];
        value_info?: unknown[];
      };
      const ifNode = graph.node.find((node) => node.op_type === 'If');
      if (!ifNode) throw new Error('no If');
      ifNode.attribute = [
        { name: 'then_branch', type: 5, g: branch('then', 0x3c00) },
        { name: 'else_branch', type: 5, g: branch('else', 0xbc00) },
      ];
      graph.value_info = [
        {
          name: 'shifted',
          type: {
            tensor_type: { elem_type: 10, shape: { dim: [{ dim_param: 'batch' }, { dim_value: K }] } },
          },
        },
      ];
    });
  }

  const xValues = Float32Array.from({ length: 2 * K }, (_, i) => ((i % 7) - 3) / 4);
  const flag = (value: boolean) => new ort.Tensor('bool', Uint8Array.from([value ? 1 : 0]), []);

  it.each(['fp32', 'int8'] as RewriteTarget[])(
    '%s: float32 inputs and outputs, the float16 results',
    async (target) => {
      const bytes = float16Graph();
      const { model, report } = await rewriteOnnx(bytes, { target });
      // Constant, ConstantOfShape, bias, and one initializer in each If branch; scales and zero points go.
      expect(report.float16Tensors).toBe(5);
      // x, y, branch, the value_info of shifted, and each branch's output.
      expect(report.float16Values).toBe(6);
      expect(report.variants).toEqual(['4-bit, block 32, float16 scales, float16 zero points, bias']);
      const original = await createSession(bytes);
      const ours = await createSession(model);
      expect(ours.inputMetadata.map((input) => [input.name, input.isTensor && input.type])).toEqual([
        ['x', 'float32'],
        ['flag', 'bool'],
      ]);
      expect(ours.outputMetadata.map((output) => output.isTensor && output.type)).toEqual([
        'float32',
        'float32',
        'float32',
      ]);
      for (const value of [true, false]) {
        const expected = await original.run({ x: floatInput('float16', xValues, [2, K]), flag: flag(value) });
        const actual = await ours.run({ x: new ort.Tensor('float32', xValues, [2, K]), flag: flag(value) });
        for (const name of ['y', 'y32', 'branch']) {
          const reference = expected[name];
          const result = actual[name]?.data as Float32Array;
          if (!reference) throw new Error(`no output ${name}`);
          const referenceValues = floatData(reference);
          // The original rounds every step to float16; int8 adds its own rounding.
          const tolerance = (target === 'int8' ? 0.05 : 0.01) * Math.max(1, maxAbs(referenceValues));
          expect(maxAbsDifference(result, referenceValues)).toBeLessThanOrEqual(tolerance);
        }
      }
      await Promise.all([original.release(), ours.release()]);
    },
  );
});

describe('refusals', () => {
  // Large enough for the weights to leave the .onnx file when asked (tensors of 1 KiB or more).
  const form: NBitsCase = { K: 256, N: 64, blockSize: 32, scales: 'float32', zeroPoints: 'packed' };
  const base = () => matMulNBitsModel(form);
  type Change = (model: OnnxModel) => OnnxModel;
  const node =
    (change: (node: OnnxModel['graph']['nodes'][number]) => OnnxModel['graph']['nodes'][number]): Change =>
    (model) => ({ ...model, graph: { ...model.graph, nodes: model.graph.nodes.map(change) } });
  const attribute = (name: string, value: number): Change =>
    node((n) => ({
      ...n,
      attributes: n.attributes.map((a) => (a.name === name ? { name, kind: 'int', value } : a)),
    }));
  const replaceInitializer =
    (
      name: string,
      change: (t: OnnxModel['graph']['initializers'][number]) => OnnxModel['graph']['initializers'][number],
    ): Change =>
    (model) => ({
      ...model,
      graph: {
        ...model.graph,
        initializers: model.graph.initializers.map((t) => (t.name === name ? change(t) : t)),
      },
    });

  interface Refusal {
    readonly label: string;
    readonly bytes: () => Uint8Array;
    readonly options?: Partial<RewriteOptions>;
    readonly code: string;
    readonly message: RegExp;
  }
  const encoded = (change: Change) => () => encodeModel(change(base())).onnx;
  const refusals: Refusal[] = [
    {
      label: '8-bit weights',
      bytes: encoded(attribute('bits', 8)),
      code: 'unsupported',
      message: /stores 8-bit weights.*q8 or fp32 weights/,
    },
    {
      label: 'a g_idx input',
      bytes: encoded((model) => {
        const withIndex = node((n) => ({ ...n, inputs: [...n.inputs, 'g_idx'] }))(model);
        const g = { name: 'g_idx', dtype: 'int32' as const, dims: [256], data: new Uint8Array(1024) };
        return {
          ...withIndex,
          graph: { ...withIndex.graph, initializers: [...withIndex.graph.initializers, g] },
        };
      }),
      code: 'unsupported',
      message: /has a g_idx input/,
    },
    {
      label: 'weights computed in the graph',
      bytes: encoded((model) => {
        const fed = node((n) => ({ ...n, inputs: n.inputs.map((i) => (i === 'w_Q4' ? 'w_Q4_copy' : i)) }))(
          model,
        );
        const copy = {
          opType: 'Identity',
          domain: '',
          name: 'copy',
          inputs: ['w_Q4'],
          outputs: ['w_Q4_copy'],
          attributes: [],
        };
        return { ...fed, graph: { ...fed.graph, nodes: [copy, ...fed.graph.nodes] } };
      }),
      code: 'unsupported',
      message: /reads its weights from w_Q4_copy, a computed value/,
    },
    {
      label: 'a block size that is not a power of two',
      bytes: encoded(attribute('block_size', 24)),
      code: 'unsupported',
      message: /block size of 24/,
    },
    {
      label: 'scales that do not fit the shape',
      bytes: encoded(
        replaceInitializer('w_scales', (t) => ({ ...t, dims: [8], data: t.data.subarray(0, 32) })),
      ),
      code: 'malformed',
      message: /has scales that do not fit K=256, N=64, block_size=32.*Download the model again/,
    },
    {
      label: 'int32 zero points',
      bytes: encoded(
        replaceInitializer('w_zero_points', (t) => ({
          ...t,
          dtype: 'int32',
          dims: [2],
          data: new Uint8Array(8),
        })),
      ),
      code: 'unsupported',
      message: /has int32 zero points/,
    },
    {
      label: 'an external data file that was not given',
      bytes: () =>
        encodeModel(base(), { externalThresholdBytes: 0, externalDataFile: 'model_q4.onnx_data' }).onnx,
      code: 'missing-data',
      message: /in model_q4\.onnx_data, which was not given/,
    },
    {
      label: 'an external data file cut short',
      bytes: () =>
        encodeModel(base(), { externalThresholdBytes: 0, externalDataFile: 'model_q4.onnx_data' }).onnx,
      options: { externalData: new Map([['model_q4.onnx_data', new Uint8Array(100)]]) },
      code: 'malformed',
      message: /model_q4\.onnx_data, which holds only 100: the file is cut short/,
    },
    {
      label: 'int8 for a model older than opset 11',
      bytes: encoded((model) => ({
        ...model,
        opsets: model.opsets.map((o) => (o.domain === '' ? { ...o, version: 10 } : o)),
      })),
      options: { target: 'int8' },
      code: 'unsupported',
      message: /imports ONNX opset 10; the int8 rewrite needs opset 11/,
    },
    {
      label: 'bytes that are not ONNX',
      bytes: () => new TextEncoder().encode('<!doctype html>'),
      code: 'not-onnx',
      message: /not a readable ONNX model|not an ONNX model/,
    },
  ];

  it.each(refusals)('$label', async ({ bytes, options, code, message }) => {
    const rewrite = rewriteOnnx(bytes(), { target: 'fp32', ...options });
    await expect(rewrite).rejects.toBeInstanceOf(RewriteError);
    await expect(rewrite).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it('rewrites the forms it supports: zero points of each kind, block sizes, bias', async () => {
    const cases: NBitsCase[] = [
      { K: 80, N: 24, blockSize: 16, scales: 'float32', zeroPoints: 'float32', bias: true },
      { K: 128, N: 8, blockSize: 128, scales: 'float32', zeroPoints: 'none' },
      { K: 96, N: 16, blockSize: 64, scales: 'float32', zeroPoints: 'packed', bias: true },
    ];
    for (const spec of cases) {
      const bytes = encodeModel(matMulNBitsModel(spec)).onnx;
      const { model } = await rewriteOnnx(bytes, { target: 'fp32' });
      const a = new ort.Tensor(
        'float32',
        Float32Array.from({ length: 3 * spec.K }, (_, i) => Math.sin(i)),
        [3, spec.K],
      );
      const [original, ours] = await Promise.all([createSession(bytes), createSession(model)]);
      const expected = (await original.run({ a }))['y']?.data as Float32Array;
      const actual = (await ours.run({ a }))['y']?.data as Float32Array;
      expect(maxAbsDifference(actual, expected)).toBeLessThanOrEqual(1e-5 * Math.max(1, maxAbs(expected)));
      await Promise.all([original.release(), ours.release()]);
    }
  });
});
