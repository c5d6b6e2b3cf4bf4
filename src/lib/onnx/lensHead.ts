/**
 * The logit lens's head: a small ONNX model that reads a residual stream [batch, sequence, hidden] and
 * gives the tokens the decoder would predict from it, had it stopped there. It is the decoder's own
 * final norm and output head, copied node for node with their weights: so it computes exactly what the
 * decoder computes after its last layer, in the decoder's precision and quantization (a q4 head stays
 * MatMulNBits, an int8-rewritten one DynamicQuantizeLinear → MatMulInteger), and the lens at the last
 * layer is the model's own next-token distribution. A norm fused with the last residual addition
 * (SkipSimplifiedLayerNormalization) becomes the same norm without the addition.
 *
 *   input   hidden       [batch, sequence, hidden], the residual stream's type (layout.dtype)
 *   outputs logits       [batch, sequence, vocab] float32
 *           probs        softmax(logits) over the vocabulary
 *           top_values   [batch, sequence, k] the k largest probs, largest first
 *           top_indices  [batch, sequence, k] int64 their token ids
 *
 *   const { model } = await buildLensHead(decoderBytes, { externalData });
 *   const lens = await ort.InferenceSession.create(model);
 *   (await lens.run({ hidden: residualOfLayer3 })).top_indices // → the ten likeliest tokens per position
 */
import {
  InstrumentError,
  analyzeDecoder,
  graphField,
  summarize,
  valueInfoMessage,
  withOutputs,
} from './instrument.ts';
import { externalReader, FLOAT, GRAPH, MODEL, nodeMessage, TENSOR, tensorHeader } from './rewrite.ts';
import { encode, message, scan, slice, stringField, varintField, type Piece } from './wire.ts';

/** Names of the lens head's input and outputs. */
export const LENS = Object.freeze({
  hidden: 'hidden',
  logits: 'logits',
  probs: 'probs',
  topValues: 'top_values',
  topIndices: 'top_indices',
});

export const LENS_TOP_K = 10;

export interface LensHeadOptions {
  /** External data files by the `location` their tensors name; the head's weights are copied inline. */
  readonly externalData?: ReadonlyMap<string, Uint8Array>;
  /** How many tokens `top_values` and `top_indices` hold (default 10, at most the vocabulary). */
  readonly topK?: number;
}

export interface LensHead {
  readonly model: Uint8Array;
  /** The input's element type (the residual stream's). */
  readonly dtype: string;
  readonly hiddenSize: number;
  readonly topK: number;
}

export async function buildLensHead(bytes: Uint8Array, options: LensHeadOptions = {}): Promise<LensHead> {
  const summary = summarize(bytes);
  const graph = graphField(bytes);
  const { layout, lastResidual, fusedFinalNorm, headNodes, types } = analyzeDecoder(summary, bytes);
  const standardOpset = summary.opsets.find((opset) => ['', 'ai.onnx'].includes(opset.domain))?.version ?? 0;
  if (standardOpset < 11)
    throw new InstrumentError(
      'unsupported',
      `This model imports ONNX opset ${standardOpset}; the lens head needs opset 11 or later (TopK).`,
    );
  const logitsShape = summary.outputs.find((output) => output.name === layout.logits)?.shape ?? [];
  const vocab = logitsShape[2];
  const topK = Math.min(options.topK ?? LENS_TOP_K, typeof vocab === 'number' ? vocab : Infinity);

  const heads = new Set(headNodes);
  const values = new Set(
    headNodes.flatMap((n) => [...summary.nodes[n]!.inputs, ...summary.nodes[n]!.outputs]),
  );
  for (const name of [LENS.hidden, LENS.probs, LENS.topValues, LENS.topIndices])
    if (values.has(name))
      throw new InstrumentError(
        'unsupported',
        `The output head has a value named ${name}, the lens head's own.`,
      );

  // The head's first node reads `hidden`: an Identity into the value the head reads, or the fused norm unfused.
  const entry: Piece[] = [];
  const extraWeights: string[] = [];
  if (fusedFinalNorm) {
    const [, , gamma = '', beta = ''] = fusedFinalNorm.inputs;
    const plain = fusedFinalNorm.opType === 'SkipLayerNormalization';
    const epsilon = fusedFinalNorm.attributes['epsilon'];
    extraWeights.push(gamma, ...(plain && beta ? [beta] : []));
    entry.push(
      nodeMessage({
        opType: plain ? 'LayerNormalization' : 'SimplifiedLayerNormalization',
        name: 'lens/final_norm',
        inputs: [LENS.hidden, gamma, ...(plain && beta ? [beta] : [])],
        outputs: [fusedFinalNorm.outputs[0] ?? ''],
        ints: { axis: -1 },
        ...(typeof epsilon === 'number' ? { floats: { epsilon } } : {}),
      }),
    );
  } else {
    entry.push(
      nodeMessage({
        opType: 'Identity',
        name: 'lens/hidden',
        inputs: [LENS.hidden],
        outputs: [lastResidual],
      }),
    );
  }

  // The head's output becomes float32 `logits`; a float16 head's output named `logits` is renamed first.
  const headOutput = layout.logits;
  const float32 = types.get(headOutput) === 'float32';
  const renamed =
    headOutput === LENS.logits && !float32 ? `${headOutput}_${types.get(headOutput)}` : headOutput;
  const tail: Piece[] = [];
  if (renamed !== LENS.logits)
    tail.push(
      nodeMessage({
        opType: float32 ? 'Identity' : 'Cast',
        name: 'lens/logits',
        inputs: [renamed],
        outputs: [LENS.logits],
        ...(float32 ? {} : { ints: { to: FLOAT } }),
      }),
    );
  const k = 'lens/k';
  tail.push(
    nodeMessage({
      opType: 'Softmax',
      name: 'lens/softmax',
      inputs: [LENS.logits],
      outputs: [LENS.probs],
      ints: { axis: -1 },
    }),
    nodeMessage({
      opType: 'TopK',
      name: 'lens/top_k',
      inputs: [LENS.probs, k],
      outputs: [LENS.topValues, LENS.topIndices],
      ints: { axis: -1, largest: 1, sorted: 1 },
    }),
  );

  const external = externalReader(options.externalData ?? new Map<string, Uint8Array>());
  const needed = new Set([...headNodes.flatMap((n) => summary.nodes[n]!.inputs), ...extraWeights]);
  const nodes: Piece[] = [];
  const initializers: Piece[] = [];
  let nodeIndex = -1;
  let initializerIndex = -1;
  for (const field of scan(bytes, graph.valueStart, graph.end)) {
    if (field.field === GRAPH.node) {
      nodeIndex++;
      if (!heads.has(nodeIndex)) continue;
      const node = summary.nodes[nodeIndex]!;
      const producesLogits = node.outputs.includes(headOutput) && renamed !== headOutput;
      nodes.push(
        producesLogits
          ? withOutputs(
              bytes,
              field,
              node.outputs.map((output) => (output === headOutput ? renamed : output)),
            )
          : slice(bytes, field),
      );
    } else if (field.field === GRAPH.initializer) {
      initializerIndex++;
      const tensor = summary.initializers[initializerIndex]!;
      if (!needed.has(tensor.name)) continue;
      const { payload } = tensor;
      initializers.push(
        payload.kind === 'external'
          ? message(GRAPH.initializer, [
              ...tensorHeader(bytes, field),
              {
                field: TENSOR.rawData,
                length: payload.length,
                fill: (into: Uint8Array) =>
                  into.set(external(payload.location, payload.offset, payload.length)),
              },
            ])
          : slice(bytes, field),
      );
    }
  }
  initializers.push(
    message(GRAPH.initializer, [
      varintField(TENSOR.dims, 1),
      varintField(TENSOR.dataType, 7),
      stringField(TENSOR.name, k),
      {
        field: TENSOR.rawData,
        length: 8,
        fill: (into: Uint8Array) =>
          new DataView(into.buffer, into.byteOffset).setBigInt64(0, BigInt(topK), true),
      },
    ]),
  );

  const rows = ['batch_size', 'sequence_length'];
  const vocabDim = vocab ?? 'vocab_size';
  const graphPieces: Piece[] = [
    ...entry,
    ...nodes,
    ...tail,
    stringField(GRAPH.name, 'lens_head'),
    ...initializers,
    valueInfoMessage(GRAPH.input, LENS.hidden, layout.dtype, [...rows, layout.hiddenSize]),
    valueInfoMessage(GRAPH.output, LENS.logits, 'float32', [...rows, vocabDim]),
    valueInfoMessage(GRAPH.output, LENS.probs, 'float32', [...rows, vocabDim]),
    valueInfoMessage(GRAPH.output, LENS.topValues, 'float32', [...rows, topK]),
    valueInfoMessage(GRAPH.output, LENS.topIndices, 'int64', [...rows, topK]),
  ];
  const modelFields = scan(bytes, 0, bytes.length)
    .filter((field) => field.field === MODEL.irVersion || field.field === MODEL.opsetImport)
    .map((field) => slice(bytes, field));
  const model = await encode([
    ...modelFields,
    stringField(MODEL.producerName, 'glassbox lens head'),
    message(MODEL.graph, graphPieces),
  ]);
  return { model, dtype: layout.dtype, hiddenSize: layout.hiddenSize, topK };
}
