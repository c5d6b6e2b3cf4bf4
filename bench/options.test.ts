import { describe, expect, it } from 'vitest';
import { parseOptions } from './options.ts';

describe('bench options', () => {
  it('runs everything three times by default', () => {
    expect(parseOptions([])).toEqual({ help: false, runs: 3, dtypes: null, threads: null });
  });

  it('narrows a partial run to the dtypes and WASM thread count given', () => {
    expect(parseOptions(['--runs', '5', '--dtypes', 'fp32,q8', '--threads', '2'])).toEqual({
      help: false,
      runs: 5,
      dtypes: ['fp32', 'q8'],
      threads: 2,
    });
  });

  it('asks only for the usage with --help or -h', () => {
    expect(parseOptions(['--help']).help).toBe(true);
    expect(parseOptions(['-h']).help).toBe(true);
  });

  it('refuses fewer than three runs, unknown dtypes and thread counts below one', () => {
    expect(() => parseOptions(['--runs', '2'])).toThrow('--runs');
    expect(() => parseOptions(['--runs', '3.5'])).toThrow('--runs');
    expect(() => parseOptions(['--dtypes', 'fp32,int4'])).toThrow('--dtypes');
    expect(() => parseOptions(['--dtypes'])).toThrow('--dtypes');
    expect(() => parseOptions(['--threads', '0'])).toThrow('--threads');
    expect(() => parseOptions(['--threads'])).toThrow('--threads');
  });
});
