import { describe, expect, it } from 'vitest';
import { purposeOf } from '../core/ledger.ts';
import { contentSecurityPolicy, originOf } from './policy.ts';

describe('the security policy and the ledger purposes', () => {
  it('allows scripts only from the app (and WebAssembly compilation), the network only to model hosts', () => {
    const policy = contentSecurityPolicy(['http://192.168.1.20:8080']);
    expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain("'unsafe-eval'");
    const connect = policy.split('; ').find((directive) => directive.startsWith('connect-src')) ?? '';
    expect(connect.split(' ')).toEqual(
      expect.arrayContaining(["'self'", 'https://huggingface.co', 'http://192.168.1.20:8080']),
    );
    expect(connect).not.toMatch(/ (https?:|\*)( |$)/);
  });

  it('names origins and purposes', () => {
    expect(originOf('http://127.0.0.1:8080/models/')).toBe('http://127.0.0.1:8080');
    expect(originOf('not a url')).toBeNull();
    const app = 'https://glassbox.example';
    expect(purposeOf(new URL('https://glassbox.example/assets/index.js'), app)).toBe('app');
    expect(purposeOf(new URL('https://huggingface.co/org/m/resolve/main/onnx/model.onnx'), app)).toBe(
      'model',
    );
    expect(purposeOf(new URL('https://huggingface.co/api/models/org/m/tree/main'), app)).toBe('model');
    expect(purposeOf(new URL('https://example.com/x'), app)).toBe('other');
  });
});
