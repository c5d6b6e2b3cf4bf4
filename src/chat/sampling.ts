/**
 * The sampling settings a student can change, each with its range, default and a one-line explanation.
 *
 *   clampSetting('temperature', 9) // → 2
 */
import type { TermId } from '../core/glossary.ts';
import type { GenerationOptions } from '../engine/protocol.ts';

export type NumericSetting = Exclude<keyof GenerationOptions, 'greedy'>;

interface SettingSpec {
  label: string;
  explanation: string;
  min: number;
  max: number;
  step: number;
  /** The glossary's word for it, if it has one. */
  term?: TermId;
}

export const SAMPLING_SETTINGS: Readonly<Record<NumericSetting, SettingSpec>> = Object.freeze({
  temperature: {
    label: 'Temperature',
    term: 'temperature',
    explanation:
      'Below 1 the likely tokens get likelier; above 1 the choice spreads out and gets more surprising.',
    min: 0.05,
    max: 2,
    step: 0.05,
  },
  topK: {
    label: 'Top-k',
    term: 'topK',
    explanation: 'Only the k most likely next tokens can be picked (0 keeps them all).',
    min: 0,
    max: 200,
    step: 1,
  },
  topP: {
    label: 'Top-p',
    term: 'topP',
    explanation: 'Only the most likely tokens whose chances add up to p can be picked (1 keeps them all).',
    min: 0.05,
    max: 1,
    step: 0.05,
  },
  repetitionPenalty: {
    label: 'Repetition penalty',
    term: 'repetitionPenalty',
    explanation:
      'Above 1, tokens already in the conversation become less likely, so the model repeats itself less.',
    min: 1,
    max: 2,
    step: 0.05,
  },
  maxNewTokens: {
    label: 'Max new tokens',
    explanation: 'The reply stops after this many tokens, even mid-sentence.',
    min: 1,
    max: 2048,
    step: 1,
  },
  seed: {
    label: 'Seed',
    term: 'seed',
    explanation: 'Starts the dice: the same seed and settings give the same reply, on every reload.',
    min: 0,
    max: 2 ** 31 - 1,
    step: 1,
  },
});

export const GREEDY_EXPLANATION =
  'Always pick the single most likely token: the same prompt always gives the same reply.';

export const DEFAULT_GENERATION: GenerationOptions = Object.freeze({
  maxNewTokens: 128,
  greedy: true,
  temperature: 0.8,
  topK: 50,
  topP: 0.95,
  repetitionPenalty: 1,
  seed: 42,
});

export function clampSetting(name: NumericSetting, value: number): number {
  const { min, max, step } = SAMPLING_SETTINGS[name];
  if (!Number.isFinite(value)) return DEFAULT_GENERATION[name];
  const clamped = Math.min(max, Math.max(min, value));
  return step >= 1 ? Math.round(clamped) : clamped;
}
