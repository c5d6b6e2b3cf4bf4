/**
 * The pieces transformers.js' generate() is given for a reply: the sampler's settings, a top-k/top-p
 * filter, a recorder of each token's distribution, and a streamer that turns tokens into events.
 *
 * Part of the engine worker: may import transformers.js, never UI modules.
 */
import {
  LogitsProcessor,
  LogitsProcessorList,
  TextStreamer,
  random,
  type PreTrainedTokenizer,
  type Tensor,
} from '@huggingface/transformers';
import { STEP_CANDIDATES } from '../../core/settings.ts';
import type { GenerationOptions, TokenStep } from '../protocol.ts';
import { tokenTexter } from '../worker/slots.ts';
import { restrictToTopKTopP, summarize, type DistributionSummary } from './distribution.ts';

/**
 * Streams each reply token as one event: its ids and the text it completes (maybe empty mid-word). A
 * branch's prefix is streamed first, as one event, so the text reads on from it.
 */
export class TokenEventStreamer extends TextStreamer {
  private pendingText = '';
  constructor(
    tokenizer: PreTrainedTokenizer,
    private readonly prefix: number[],
    private readonly onStep: (tokenIds: number[], text: string, generated: boolean) => void,
  ) {
    super(tokenizer, { skip_special_tokens: true });
  }
  override on_finalized_text(text: string): void {
    this.pendingText += text;
  }
  override put(value: bigint[][]): void {
    if (this.next_tokens_are_prompt) {
      // The prompt (with the prefix at its end) is not streamed; the prefix is, as reply text.
      this.next_tokens_are_prompt = false;
      if (this.prefix.length === 0) return;
      super.put([this.prefix.map(BigInt)]);
      this.emit(this.prefix, false);
      return;
    }
    super.put(value);
    this.emit(value[0]?.map(Number) ?? [], true);
  }
  override end(): void {
    super.end();
    if (this.pendingText) this.emit([], false);
  }
  private emit(tokenIds: number[], generated: boolean): void {
    const text = this.pendingText;
    this.pendingText = '';
    this.onStep(tokenIds, text, generated);
  }
}

/** Top-p for the sampler (Transformers.js 4.3 ignores `top_p`), and top-k so recorded steps show it. */
class TopKTopPFilter extends LogitsProcessor {
  constructor(
    private readonly topK: number,
    private readonly topP: number,
  ) {
    super();
  }
  override _call(_inputIds: bigint[][], logits: Tensor): Tensor {
    restrictToTopKTopP(logits.data as Float32Array, this.topK, this.topP);
    return logits;
  }
}

/**
 * Runs last: summarizes the distribution each token is drawn from. The streamer pairs it with the chosen
 * token; token texts are decoded once per reply, not per step (ten candidates a token add up).
 */
export class StepRecorder extends LogitsProcessor {
  private last: DistributionSummary | null = null;
  private readonly recorded: Omit<TokenStep, 'text' | 'candidates'>[] = [];
  private readonly candidates: DistributionSummary['candidates'][] = [];
  override _call(_inputIds: bigint[][], logits: Tensor): Tensor {
    this.last = summarize(logits.data as Float32Array, STEP_CANDIDATES);
    return logits;
  }
  /** Records that `id` was chosen from the last distribution. */
  chose(id: number): void {
    this.recorded.push({ id, prob: this.last?.probOf(id) ?? 0, entropyBits: this.last?.entropyBits ?? 0 });
    this.candidates.push(this.last?.candidates ?? []);
  }
  /** Every recorded step, with the texts of its tokens. */
  steps(tokenizer: PreTrainedTokenizer): TokenStep[] {
    const text = tokenTexter(tokenizer);
    return this.recorded.map((step, index) => ({
      ...step,
      text: text(step.id),
      candidates: (this.candidates[index] ?? []).map((candidate) => ({
        ...candidate,
        text: text(candidate.id),
      })),
    }));
  }
}

/** transformers.js generation settings for our options; seeds its sampler so a seed repeats a reply. */
export function samplingOf(options: GenerationOptions, recorder: StepRecorder | null) {
  random.seed(options.seed);
  const processors = new LogitsProcessorList();
  // After transformers.js' own processors (repetition penalty, temperature): the recorder sees the final logits.
  if (!options.greedy) processors.push(new TopKTopPFilter(options.topK, options.topP));
  if (recorder) processors.push(recorder);
  return {
    do_sample: !options.greedy,
    temperature: options.temperature,
    top_k: options.topK,
    repetition_penalty: options.repetitionPenalty,
    logits_processor: processors,
  };
}
