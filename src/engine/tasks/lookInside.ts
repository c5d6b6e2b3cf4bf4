/**
 * "Look inside" a reply: the chat model's graph instrumented (lib/onnx/instrument.ts) so that it also
 * outputs every layer's residual stream and, where the graph computes attention with a Softmax, its
 * attention probabilities; run once over the prompt and the reply (teacher-forced, from an empty cache);
 * and the logit lens (lib/onnx/lensHead.ts: the model's own final norm and head) applied to every layer.
 *
 * The two sessions are built on first use from the very graph the replies ran (the stored download, or its
 * CPU form), on the same backend, and kept while the model stays loaded. Normal chat never runs them.
 *
 *   const view = await lookInside({ messages, reply: [412, 9, 77], maxNewTokens: 64 }, context);
 *   view.lensIds[(layer * positions + position) * view.topK] // → the layer's likeliest next token there
 *
 * Part of the engine worker: may import onnxruntime-web, never UI modules.
 */
import { InferenceSession, Tensor } from 'onnxruntime-web/webgpu';
import { modelStore as store } from '../../hub/modelStore.ts';
import { InstrumentError, instrumentDecoder, type DecoderLayout } from '../../lib/onnx/instrument.ts';
import { buildLensHead, LENS } from '../../lib/onnx/lensHead.ts';
import { float16Value } from '../../lib/onnx/tensorData.ts';
import { Transfer, type CallContext } from '../../lib/workerRpc.ts';
import { EngineError, runtimeFailure } from '../errors.ts';
import type { InsideRequest, InsideView, LayerActivations, LoadedModel } from '../protocol.ts';
import { inLoadQueue } from '../worker/scheduling.ts';
import { loadedChat, startUse, tokenTexts, type ChatSlot } from '../worker/slots.ts';
import { fitPrompt } from './generate.ts';

/**
 * The longest sequence looked inside: every layer's attention map is heads × n × n values, all held at
 * once (a 30-layer, 9-head model at 384 tokens: 160 MB).
 */
export const MAX_INSIDE_TOKENS = 384;

/** Bins of each layer's histogram of residual values. */
const HISTOGRAM_BINS = 41;

/** Dimensions listed per layer as the largest in magnitude. */
const LARGEST_DIMENSIONS = 5;

interface Instrumented {
  loaded: LoadedModel;
  decoder: InferenceSession;
  lens: InferenceSession;
  layout: DecoderLayout;
  topK: number;
  /** How long building took, until a look has reported it. */
  buildMs: number | null;
}

let instrumented: Promise<Instrumented> | null = null;
let instrumentedFor: LoadedModel | null = null;

/** Lets go of the instrumented sessions (their model was replaced): they hold a second copy of its weights. */
export async function letGoOfInstrumented(): Promise<void> {
  const held = instrumented;
  instrumented = null;
  instrumentedFor = null;
  const sessions = await held?.catch(() => null);
  await Promise.all([sessions?.decoder.release(), sessions?.lens.release()]);
}

async function readStored(slot: ChatSlot, path: string): Promise<Uint8Array> {
  const { host, id } = slot.loaded.spec;
  const file = await store.file(host, id, path);
  if (!file)
    throw new EngineError(
      'not-found',
      `${path} of ${id} is no longer on this device (deleted while the model was loaded?). Load the model again to look inside it.`,
    );
  return new Uint8Array(await file.arrayBuffer());
}

async function build(slot: ChatSlot): Promise<Instrumented> {
  const started = performance.now();
  const { graph, loaded } = slot;
  const bytes = await readStored(slot, graph.path);
  const data = new Map<string, Uint8Array>();
  for (const file of graph.data) data.set(file.location, await readStored(slot, file.path));
  try {
    const { model, layout } = await instrumentDecoder(bytes);
    const head = await buildLensHead(bytes, { externalData: data });
    const options = {
      executionProviders: [loaded.backend],
      externalData: [...data].map(([path, fileData]) => ({ path, data: fileData })),
    };
    const decoder = await InferenceSession.create(model, options);
    const lens = await InferenceSession.create(head.model, { executionProviders: [loaded.backend] });
    return { loaded, decoder, lens, layout, topK: head.topK, buildMs: performance.now() - started };
  } catch (error) {
    if (error instanceof InstrumentError)
      throw new EngineError(
        'unsupported-model',
        `Glassbox cannot look inside ${loaded.spec.id}: ${error.message}`,
      );
    throw runtimeFailure(error, { modelId: loaded.spec.id });
  }
}

function sessionsFor(slot: ChatSlot): Promise<Instrumented> {
  if (instrumentedFor !== slot.loaded || !instrumented) {
    void letGoOfInstrumented();
    instrumentedFor = slot.loaded;
    // Built in the load queue: ONNX Runtime creates one session at a time, and a load may be creating one.
    instrumented = inLoadQueue(() => build(slot));
    // A failed build is tried again next time, not remembered.
    instrumented.catch(() => {
      if (instrumentedFor === slot.loaded) [instrumented, instrumentedFor] = [null, null];
    });
  }
  return instrumented;
}

const int64 = (values: readonly number[]) =>
  new Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);

/** The decoder's inputs for `ids` from an empty cache, from the inputs its graph declares. */
function feedsFor(session: InferenceSession, ids: readonly number[], slot: ChatSlot) {
  const config = slot.loaded.config;
  const heads = Number(config['num_attention_heads'] ?? 0);
  const kvHeads = Number(config['num_key_value_heads'] ?? heads);
  const headDim = Number(config['head_dim'] ?? Number(config['hidden_size'] ?? 0) / (heads || 1));
  const feeds: Record<string, Tensor> = {};
  for (const input of session.inputMetadata) {
    const { name } = input;
    if (name === 'input_ids') feeds[name] = int64(ids);
    else if (name === 'attention_mask') feeds[name] = int64(ids.map(() => 1));
    else if (name === 'position_ids') feeds[name] = int64(ids.map((_, position) => position));
    else if (/^past_key_values\.\d+\.(key|value)$/.test(name) && input.isTensor) {
      // [batch, kv heads, past length, head size]: the graph's own numbers where it states them.
      const stated = input.shape;
      const dims = [
        1,
        typeof stated[1] === 'number' ? stated[1] : kvHeads,
        0,
        typeof stated[3] === 'number' ? stated[3] : headDim,
      ];
      const empty = input.type === 'float16' ? new Uint16Array(0) : new Float32Array(0);
      feeds[name] = new Tensor(input.type as 'float32', empty as Float32Array, dims);
    } else {
      throw new EngineError(
        'unsupported-model',
        `The graph of ${slot.loaded.spec.id} asks for an input "${name}" that Look inside cannot fill (it knows input_ids, attention_mask, position_ids and past_key_values).`,
      );
    }
  }
  return feeds;
}

/** A tensor's values as float32, whatever its float type (float16 arrives as its bits). */
function floats(tensor: Tensor): Float32Array {
  const data = tensor.data;
  if (data instanceof Float32Array) return data;
  if (data instanceof Uint16Array && tensor.type === 'float16') return Float32Array.from(data, float16Value);
  if (ArrayBuffer.isView(data) && !(data instanceof DataView) && typeof data[0] !== 'bigint')
    return Float32Array.from(data as ArrayLike<number>);
  throw new EngineError('internal', `A ${tensor.type} output cannot be read as numbers.`);
}

/** Norms per position, a histogram of all values and the largest dimensions of one layer's residual stream. */
function activationsOf(
  values: Float32Array,
  positions: number,
  hidden: number,
  norms: Float32Array,
  at: number,
): LayerActivations {
  let [min, max] = [Infinity, -Infinity];
  const peak = new Float32Array(hidden);
  const peakPosition = new Int32Array(hidden);
  for (let position = 0; position < positions; position++) {
    let sum = 0;
    for (let dim = 0; dim < hidden; dim++) {
      const value = values[position * hidden + dim] ?? 0;
      sum += value * value;
      if (value < min) min = value;
      if (value > max) max = value;
      if (Math.abs(value) > Math.abs(peak[dim] ?? 0)) [peak[dim], peakPosition[dim]] = [value, position];
    }
    norms[at + position] = Math.sqrt(sum);
  }
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  const width = (max - min) / HISTOGRAM_BINS || 1;
  for (const value of values) counts[Math.min(HISTOGRAM_BINS - 1, Math.floor((value - min) / width))]! += 1;
  const largest = Array.from(peak, (value, dim) => ({ dim, value, position: peakPosition[dim] ?? 0 }))
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value))
    .slice(0, LARGEST_DIMENSIONS);
  return { min, max, counts, largest };
}

export async function lookInside(
  { messages, reply, maxNewTokens }: InsideRequest,
  { signal }: CallContext<never>,
): Promise<Transfer<InsideView>> {
  const slot = loadedChat();
  const ids = [...fitPrompt(slot, messages, maxNewTokens).ids, ...reply];
  if (ids.length > MAX_INSIDE_TOKENS)
    throw new EngineError(
      'bad-request',
      `This reply and its prompt are ${ids.length} tokens; Look inside reads at most ${MAX_INSIDE_TOKENS} (every layer's attention map grows with the square of the length). Look inside a reply early in a conversation, or start a new one.`,
    );
  let stopped = false;
  // A new chat model loaded meanwhile ends this look (between runs: a run cannot be interrupted).
  const endUse = startUse('chat', () => (stopped = true));
  try {
    const sessions = await sessionsFor(slot);
    const { decoder, lens, layout, topK } = sessions;
    const checkStill = () => {
      if (stopped || signal.aborted)
        throw new EngineError(
          'cancelled',
          'Looking inside was stopped: the model changed or the view closed.',
        );
    };
    checkStill();
    const passStarted = performance.now();
    const names = [...layout.layers.flatMap((layer) => [layer.residual, layer.attention ?? []].flat())];
    const outputs = await decoder.run(feedsFor(decoder, ids, slot), names);
    const passMs = performance.now() - passStarted;
    const layers = layout.layers.length;
    const positions = ids.length;
    const lensIds = new Int32Array(layers * positions * topK);
    const lensProbs = new Float32Array(layers * positions * topK);
    const chosenProbs = new Float32Array(layers * positions);
    const norms = new Float32Array(layers * positions);
    const chosen = new Int32Array(positions);
    const replyStart = ids.length - reply.length;
    const activations: LayerActivations[] = [];
    const attention: Float32Array[] = [];
    let heads = 0;
    // The last layer first: where no reply token follows, its first choice is what every layer is measured by.
    for (const layer of [...layout.layers].reverse()) {
      checkStill();
      const residual = outputs[layer.residual];
      if (!residual) throw new EngineError('internal', `The instrumented graph gave no ${layer.residual}.`);
      const seen = await lens.run({ [LENS.hidden]: residual }, [LENS.probs, LENS.topValues, LENS.topIndices]);
      const probs = floats(seen[LENS.probs] as Tensor);
      const vocabulary = probs.length / positions;
      const topValues = floats(seen[LENS.topValues] as Tensor);
      const topIndices = (seen[LENS.topIndices] as Tensor).data as BigInt64Array;
      const at = layer.layer * positions;
      for (let i = 0; i < positions * topK; i++) {
        lensIds[at * topK + i] = Number(topIndices[i]);
        lensProbs[at * topK + i] = topValues[i] ?? 0;
      }
      if (layer.layer === layers - 1)
        for (let position = 0; position < positions; position++)
          chosen[position] =
            position >= replyStart - 1 && position < positions - 1
              ? (ids[position + 1] ?? 0)
              : Number(topIndices[position * topK]);
      for (let position = 0; position < positions; position++)
        chosenProbs[at + position] = probs[position * vocabulary + (chosen[position] ?? 0)] ?? 0;
      activations[layer.layer] = activationsOf(floats(residual), positions, layout.hiddenSize, norms, at);
      const map = layer.attention ? outputs[layer.attention] : undefined;
      if (map) {
        heads = map.dims[1] ?? 0;
        attention[layer.layer] = floats(map).slice();
      }
      for (const value of Object.values(seen)) value.dispose();
    }
    for (const value of Object.values(outputs)) value.dispose();
    const texts = new Map<number, string>();
    for (const token of tokenTexts(slot.tokenizer, [...new Set([...lensIds, ...ids])]))
      texts.set(token.id, token.text);
    const view: InsideView = {
      modelId: slot.loaded.spec.id,
      backend: slot.loaded.backend,
      tokens: ids.map((id) => ({ id, text: texts.get(id) ?? '' })),
      replyStart,
      layers,
      topK,
      lensIds,
      lensProbs,
      chosen,
      chosenProbs,
      texts: Object.fromEntries(texts),
      norms,
      activations,
      attention: attention.length === layers ? { heads, maps: attention } : null,
      attentionMissing: layout.fusedAttention
        ? `${slot.loaded.spec.id} computes attention inside one fused ${layout.fusedAttention} operation, so its attention probabilities never exist as a value the graph could hand out. The lens and the activations still come from its layers.`
        : attention.length === layers
          ? null
          : `No Softmax over attention scores was found in every layer of ${slot.loaded.spec.id}, so its attention cannot be shown.`,
      timing: { buildMs: sessions.buildMs, passMs },
    };
    // The build is reported by the first look only: later ones reuse the sessions.
    sessions.buildMs = null;
    const buffers = [lensIds, lensProbs, chosen, chosenProbs, norms, ...attention].map(
      (array) => array.buffer,
    );
    return new Transfer(view, buffers);
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw runtimeFailure(error, { modelId: slot.loaded.spec.id });
  } finally {
    endUse();
  }
}
