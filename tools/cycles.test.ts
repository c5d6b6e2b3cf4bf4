import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findCycles, folderGraph, importGraph } from './cycles.ts';

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

describe('findCycles', () => {
  it('finds each cycle once, whatever its length, and nothing in a chain', () => {
    expect(findCycles(graph({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] }))).toEqual([['a', 'b', 'c']]);
    expect(findCycles(graph({ a: ['b'], b: ['c'], c: [] }))).toEqual([]);
    expect(findCycles(graph({ a: ['a'] }))).toEqual([['a']]);
    expect(findCycles(graph({ a: ['b'], b: ['a'], c: ['d'], d: ['c'] }))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });
});

describe('folderGraph', () => {
  it('turns file imports into imports between top-level folders, a folder’s own ones left out', () => {
    const folders = folderGraph(
      graph({
        'chat/store.ts': ['session/store.ts', 'chat/types.ts'],
        'engine/tasks/a.ts': ['engine/worker/b.ts'],
      }),
    );
    expect(folders).toEqual(
      new Map([
        ['chat', ['session']],
        ['engine', []],
      ]),
    );
  });
});

describe('src/', () => {
  it('has no cycle between files or folders, type-only imports included', () => {
    const files = importGraph(fileURLToPath(new URL('../src', import.meta.url)));
    expect(files.size).toBeGreaterThan(100);
    expect(findCycles(folderGraph(files))).toEqual([]);
    expect(findCycles(files)).toEqual([]);
  });
});
