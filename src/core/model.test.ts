import { describe, expect, it } from 'vitest';
import { taskFromConfig } from './model.ts';

describe('taskFromConfig', () => {
  it('treats causal language models as chat models', () => {
    expect(taskFromConfig({ architectures: ['LlamaForCausalLM'] })).toBe('text-generation');
    expect(taskFromConfig({ architectures: ['GPT2LMHeadModel'] })).toBe('text-generation');
  });
  it('treats encoders and unknown configs as embedding models', () => {
    expect(taskFromConfig({ architectures: ['BertModel'] })).toBe('feature-extraction');
    expect(taskFromConfig({})).toBe('feature-extraction');
  });
});
