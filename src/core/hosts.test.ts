import { describe, expect, it } from 'vitest';
import { DISK_HOST, HUB_HOST, hostLabel, isModelId } from './hosts.ts';

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

describe('host labels', () => {
  it('name a host by its address without the scheme, and a folder from disk as such', () => {
    expect(hostLabel(HUB_HOST)).toBe('huggingface.co');
    expect(hostLabel('http://localhost:4173/models/')).toBe('localhost:4173/models');
    expect(hostLabel('http://192.168.1.20:8080')).toBe('192.168.1.20:8080');
    expect(hostLabel(DISK_HOST)).toBe('a folder on this computer');
  });
});
