import { describe, expect, it } from 'vitest';
import { isModelId } from './hosts.ts';

describe('model ids', () => {
  it.each([
    'HuggingFaceTB/SmolLM2-135M-Instruct',
    'onnx-community/Qwen2.5-0.5B-Instruct',
    'Xenova/all-MiniLM-L6-v2',
    'glassbox/tiny-chat',
    'a/b',
    'org_1/model.v2_',
  ])('accept %s', (id) => expect(isModelId(id)).toBe(true));

  it.each([
    '../..',
    './.',
    'org/..',
    '../name',
    'org/a..b',
    'org/-name',
    'org/name.',
    'org/a--b',
    'org/name/extra',
    'name',
    'org/',
    'org/na me',
    `org/${'a'.repeat(97)}`,
  ])('refuse %s', (id) => expect(isModelId(id)).toBe(false));
});
