/**
 * A reply's token steps as a stored conversation keeps them: eight typed arrays and one string instead of an
 * object per candidate. IndexedDB copies a typed array in one piece; a reply of 128 tokens with 10
 * candidates each was 1,400 objects, and writing them, or reading a record back to check its revision, held
 * the page for tens of milliseconds while the next reply streamed.
 *
 *   unpackSteps(packSteps(steps)) // → steps, equal field by field
 *   unpackSteps(damaged)          // → undefined: the reply is kept without its steps
 */
import type { TokenStep } from '../engine/protocol.ts';
import { isRecord } from '../lib/isRecord.ts';

export interface PackedSteps {
  /** The chosen token of each step. */
  ids: Int32Array;
  probs: Float64Array;
  entropyBits: Float64Array;
  /** How many candidates each step has; theirs follow one another in `candidateIds` and `candidateProbs`. */
  candidateCounts: Uint16Array;
  candidateIds: Int32Array;
  candidateProbs: Float64Array;
  /** Each step's text, then its candidates' texts, one after another; `textLengths` cuts them apart. */
  texts: string;
  textLengths: Uint32Array;
}

/** Steps already packed: a reply's steps never change, and every later save of its conversation writes them again. */
const packed = new WeakMap<readonly TokenStep[], PackedSteps>();

export function packSteps(steps: readonly TokenStep[]): PackedSteps {
  const known = packed.get(steps);
  if (known) return known;
  const candidates = steps.reduce((total, step) => total + step.candidates.length, 0);
  const pack: PackedSteps = {
    ids: new Int32Array(steps.length),
    probs: new Float64Array(steps.length),
    entropyBits: new Float64Array(steps.length),
    candidateCounts: new Uint16Array(steps.length),
    candidateIds: new Int32Array(candidates),
    candidateProbs: new Float64Array(candidates),
    texts: '',
    textLengths: new Uint32Array(steps.length + candidates),
  };
  const texts: string[] = [];
  let candidate = 0;
  steps.forEach((step, index) => {
    pack.ids[index] = step.id;
    pack.probs[index] = step.prob;
    pack.entropyBits[index] = step.entropyBits;
    pack.candidateCounts[index] = step.candidates.length;
    texts.push(step.text);
    for (const { id, prob, text } of step.candidates) {
      pack.candidateIds[candidate] = id;
      pack.candidateProbs[candidate] = prob;
      texts.push(text);
      candidate++;
    }
  });
  texts.forEach((text, index) => (pack.textLengths[index] = text.length));
  pack.texts = texts.join('');
  packed.set(steps, pack);
  return pack;
}

const isProbability = (value: number) => value >= 0 && value <= 1;
const sum = (values: ArrayLike<number>) => Array.prototype.reduce.call(values, (a, b) => a + b, 0) as number;

/**
 * Steps from a stored pack, or undefined when it does not check (another version of the app, a person with
 * devtools): each array of its kind and of the length the others imply, probabilities within 0..1, ids and
 * entropies not negative.
 */
export function unpackSteps(value: unknown): TokenStep[] | undefined {
  if (!isRecord(value)) return undefined;
  const { ids, probs, entropyBits, candidateCounts, candidateIds, candidateProbs, texts, textLengths } =
    value;
  if (
    !(ids instanceof Int32Array) ||
    !(probs instanceof Float64Array) ||
    !(entropyBits instanceof Float64Array) ||
    !(candidateCounts instanceof Uint16Array) ||
    !(candidateIds instanceof Int32Array) ||
    !(candidateProbs instanceof Float64Array) ||
    typeof texts !== 'string' ||
    !(textLengths instanceof Uint32Array)
  )
    return undefined;
  const steps = ids.length;
  const candidates = sum(candidateCounts);
  const fits =
    probs.length === steps &&
    entropyBits.length === steps &&
    candidateCounts.length === steps &&
    candidateIds.length === candidates &&
    candidateProbs.length === candidates &&
    textLengths.length === steps + candidates &&
    sum(textLengths) === texts.length &&
    ids.every((id) => id >= 0) &&
    candidateIds.every((id) => id >= 0) &&
    probs.every(isProbability) &&
    candidateProbs.every(isProbability) &&
    entropyBits.every((bits) => bits >= 0 && Number.isFinite(bits));
  if (!fits) return undefined;
  let text = 0;
  let offset = 0;
  const nextText = () => texts.slice(offset, (offset += textLengths[text++] as number));
  let candidate = 0;
  return Array.from(ids, (id, index): TokenStep => {
    const step = {
      id,
      text: nextText(),
      prob: probs[index] as number,
      entropyBits: entropyBits[index] as number,
    };
    const count = candidateCounts[index] as number;
    const list = Array.from({ length: count }, () => {
      const at = candidate++;
      return { id: candidateIds[at] as number, text: nextText(), prob: candidateProbs[at] as number };
    });
    return { ...step, candidates: list };
  });
}
