/**
 * Request paths: decoded once, split without normalisation, refused when they try to leave a folder.
 *
 * Run: npx vitest run tools/mirror/paths.test.ts
 */
import { describe, expect, it } from 'vitest';
import { isRepoPart, splitRequestPath, unsafeSegmentReason } from './paths.ts';

describe('splitRequestPath', () => {
  it('splits and decodes a plain path and keeps its query', () => {
    const split = splitRequestPath('/glassbox/tiny-chat/resolve/main/onnx/model%20a.onnx?recursive=true');
    expect(split.ok && split.segments).toEqual([
      'glassbox',
      'tiny-chat',
      'resolve',
      'main',
      'onnx',
      'model a.onnx',
    ]);
    expect(split.ok && split.query.get('recursive')).toBe('true');
    expect(splitRequestPath('/').ok).toBe(true);
    expect(splitRequestPath('/api/models/').ok && true).toBe(true);
  });

  it('lets an encoded "/" through inside one segment (the Hub’s revision refs%2Fpr%2F1)', () => {
    const split = splitRequestPath('/a/b/resolve/refs%2Fpr%2F1/config.json');
    expect(split.ok && split.segments[3]).toBe('refs/pr/1');
  });

  it.each([
    '/a/b/resolve/main/..%2f..%2fetc/passwd',
    '/a/b/resolve/main/../x',
    '/a/b/resolve/main/./x',
    '/a/b/resolve/main/%2e%2e/x',
    '/a/b/resolve/main/%2fetc%2fpasswd',
    '/a/b/resolve/main/%5cwindows',
    '/a/b/resolve/main/a\\..\\b',
    '/a/b/resolve/main/x%00.json',
    '/a/b/resolve/main/%E0%A4%A',
    '/a//b',
    'relative/path',
  ])('refuses %s', (target) => {
    expect(splitRequestPath(target).ok).toBe(false);
  });
});

describe('segment and repository names', () => {
  it('accepts plain file names and refuses hidden, separated, NUL and drive-like ones', () => {
    expect(unsafeSegmentReason('model_q4.onnx')).toBeNull();
    for (const bad of ['', '.git', '..', 'a/b', 'a\\b', 'a\0b', 'C:', 'file:stream']) {
      expect(unsafeSegmentReason(bad), JSON.stringify(bad)).not.toBeNull();
    }
  });

  it('accepts Hub-style org and model names only', () => {
    expect(isRepoPart('SmolLM2-135M-Instruct')).toBe(true);
    expect(isRepoPart('onnx-community')).toBe(true);
    for (const bad of ['.hidden', 'a..b', 'a b', '-x', 'a/b']) expect(isRepoPart(bad), bad).toBe(false);
  });
});
