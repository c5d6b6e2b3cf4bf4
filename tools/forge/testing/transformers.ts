/**
 * Runs a forged chat folder the way the app does, through Transformers.js 4.3.1 itself (local folders only:
 * a test must never reach the network).
 *
 * @example
 *   const { promptIds, generated } = await transformersGreedy(folder, 'q4f16', 'Hello', 16);
 */
import { AutoModelForCausalLM, AutoTokenizer, env, type Tensor } from '@huggingface/transformers';
import type { ForgedDtype } from '../presets.ts';

env.allowRemoteModels = false;

const firstRow = (tensor: unknown): number[] =>
  ((tensor as Tensor).tolist() as bigint[][])[0]?.map(Number) ?? [];

/** The chat prompt's ids and `steps` greedy tokens from Transformers.js' generate(). */
export async function transformersGreedy(
  folder: string,
  dtype: ForgedDtype,
  message: string,
  steps: number,
): Promise<{ promptIds: number[]; generated: number[] }> {
  const tokenizer = await AutoTokenizer.from_pretrained(folder);
  const model = await AutoModelForCausalLM.from_pretrained(folder, { dtype });
  try {
    const prompt = tokenizer.apply_chat_template([{ role: 'user', content: message }], {
      tokenize: false,
      add_generation_prompt: true,
    });
    const inputs = tokenizer(typeof prompt === 'string' ? prompt : '');
    const output = await model.generate({ ...inputs, max_new_tokens: steps, do_sample: false });
    const promptIds = firstRow(inputs['input_ids']);
    return { promptIds, generated: firstRow(output).slice(promptIds.length) };
  } finally {
    await model.dispose();
  }
}
