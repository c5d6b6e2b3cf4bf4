/**
 * Decode speeds measured on this device by the chat's own replies, per model, backend and weight format:
 * the speed the Models page says to expect here. Kept in localStorage (a few hundred bytes, shared by the
 * tabs) and checked on arrival, since another version of the app or a person may have written it.
 *
 *   recordDecodeSpeed('org/model', reply.stats, 2);
 *   expectedSpeed({ id: 'org/bigger', parameters: 360e6, backend: 'wasm', dtype: 'q4' }, readDecodeSpeeds(), parametersOf)
 *   // → { tokensPerSecond: 7.5, from: { id: 'org/model', … } }: scaled from a model measured here
 */
import * as v from 'valibot';
import { BACKENDS, DTYPES, type Backend, type Dtype } from '../core/model.ts';
import { cpuTarget } from '../core/runningForm.ts';
import type { GenerationStats } from '../engine/protocol.ts';
import { median } from '../lib/median.ts';

const STORAGE_KEY = 'glassbox.decodeSpeeds.v1';
/** Replies kept per model and form; the speed shown is their median. */
const KEPT_REPLIES = 5;
/** Shorter replies time mostly the first steps' overheads. */
export const MIN_TIMED_TOKENS = 16;

const SampleSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1)),
  backend: v.picklist(BACKENDS),
  dtype: v.picklist(DTYPES),
  threads: v.pipe(v.number(), v.integer(), v.minValue(1)),
  tokensPerSecond: v.pipe(v.number(), v.finite(), v.gtValue(0)),
});
type Sample = v.InferOutput<typeof SampleSchema>;

export interface MeasuredSpeed {
  id: string;
  backend: Backend;
  dtype: Dtype;
  /** WASM threads of the newest reply. */
  threads: number;
  /** The median of the kept replies. */
  tokensPerSecond: number;
  replies: number;
}

/** The kept samples, oldest first; samples that fail the check are dropped one by one. */
function readSamples(): Sample[] {
  let stored: unknown;
  try {
    stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(stored)) return [];
  return stored.flatMap((sample) => {
    const checked = v.safeParse(SampleSchema, sample);
    return checked.success ? [checked.output] : [];
  });
}

const sameForm = (a: Pick<Sample, 'id' | 'backend' | 'dtype'>, b: Pick<Sample, 'id' | 'backend' | 'dtype'>) =>
  a.id === b.id && a.backend === b.backend && a.dtype === b.dtype;

/** Keeps a reply's decode speed when it timed enough tokens. */
export function recordDecodeSpeed(id: string, stats: GenerationStats, threads: number): void {
  if (stats.generatedTokens < MIN_TIMED_TOKENS || !(stats.decodeTokensPerSecond > 0)) return;
  const sample: Sample = {
    id,
    backend: stats.backend,
    dtype: stats.dtype,
    threads,
    tokensPerSecond: stats.decodeTokensPerSecond,
  };
  const samples = readSamples();
  const others = samples.filter((kept) => !sameForm(kept, sample));
  const mine = [...samples.filter((kept) => sameForm(kept, sample)), sample].slice(-KEPT_REPLIES);
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify([...others, ...mine]));
  } catch {
    // Storage may be full or disabled: the speed is then simply not remembered.
  }
}

/** Per model, backend and format: the median speed of its kept replies. */
export function readDecodeSpeeds(): MeasuredSpeed[] {
  const groups = new Map<string, Sample[]>();
  for (const sample of readSamples()) {
    const key = JSON.stringify([sample.id, sample.backend, sample.dtype]);
    groups.set(key, [...(groups.get(key) ?? []), sample]);
  }
  return [...groups.values()].map((samples) => {
    const newest = samples.at(-1) as Sample;
    return {
      id: newest.id,
      backend: newest.backend,
      dtype: newest.dtype,
      threads: newest.threads,
      tokensPerSecond: median(samples.map((sample) => sample.tokensPerSecond)),
      replies: samples.length,
    };
  });
}

/** What a format computes with on a backend: on WASM, 4-bit and q8 alike run as int8 products. */
function computesAs(dtype: Dtype, backend: Backend): string {
  if (backend !== 'wasm') return dtype;
  const target = cpuTarget(dtype) ?? dtype;
  return ['q8', 'int8', 'uint8'].includes(target) ? 'int8' : target;
}

export interface ExpectedSpeed {
  tokensPerSecond: number;
  /** The measurement it comes from: the model itself, or one of the same form scaled by parameter count. */
  from: MeasuredSpeed;
  scaled: boolean;
}

/**
 * The decode speed to expect of `target` here: its own measured speed in that form, else that of the
 * measured model of the same backend and computing form nearest in size, scaled by parameter count (decode
 * reads every weight once per token, so its time grows with the weights); null when neither exists.
 */
export function expectedSpeed(
  target: { id: string; parameters: number | null; backend: Backend; dtype: Dtype },
  measured: readonly MeasuredSpeed[],
  parametersOf: (id: string) => number | null,
): ExpectedSpeed | null {
  const own = measured.find((speed) => sameForm(speed, target));
  if (own) return { tokensPerSecond: own.tokensPerSecond, from: own, scaled: false };
  const size = target.parameters;
  if (size === null) return null;
  const form = computesAs(target.dtype, target.backend);
  const peers = measured.flatMap((speed) => {
    const parameters = parametersOf(speed.id);
    return speed.backend === target.backend && computesAs(speed.dtype, speed.backend) === form && parameters
      ? [{ speed, parameters }]
      : [];
  });
  const nearest = peers.sort(
    (a, b) => Math.abs(Math.log(a.parameters / size)) - Math.abs(Math.log(b.parameters / size)),
  )[0];
  if (!nearest) return null;
  return {
    tokensPerSecond: (nearest.speed.tokensPerSecond * nearest.parameters) / size,
    from: nearest.speed,
    scaled: true,
  };
}
