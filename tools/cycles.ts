/**
 * Cycles in src/, between files and between folders, type-only imports included (ESLint's import-x/no-cycle
 * skips those, yet a type cycle still ties two files together). Part of `npm run lint`: prints each cycle
 * and fails when there is one.
 *
 *   npx tsx tools/cycles.ts          // → "No cycles between the 190 files and 14 folders of src/."
 *   findCycles(new Map([['a', ['b']], ['b', ['a']]])) // → [['a', 'b']]
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

type Graph = Map<string, readonly string[]>;

/** The strongly connected components of more than one node, or with an edge to itself: each is a cycle. */
export function findCycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1 || graph.get(node)?.includes(node)) cycles.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every file's relative imports (static, type-only, re-exports and dynamic), as paths from `root`. */
export function importGraph(root: string): Graph {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map(({ fileName }) => fileName)
      .filter((name) => name.startsWith('.') && /\.tsx?$/.test(name))
      .map((name) =>
        relative(root, resolve(dirname(file), name))
          .split('\\')
          .join('/'),
      );
    graph.set(relative(root, file).split('\\').join('/'), [...new Set(targets)]);
  }
  return graph;
}

/** The folder graph: a file's folder imports every folder its file imports (files at the root count as '.'). */
export function folderGraph(files: Graph): Graph {
  const folders = new Map<string, Set<string>>();
  for (const [file, targets] of files) {
    const from = posix.dirname(file).split('/')[0] ?? '.';
    const edges = folders.get(from) ?? new Set<string>();
    for (const target of targets) {
      const to = posix.dirname(target).split('/')[0] ?? '.';
      if (to !== from) edges.add(to);
    }
    folders.set(from, edges);
  }
  return new Map([...folders].map(([folder, edges]) => [folder, [...edges]]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');
  const files = importGraph(root);
  const folders = folderGraph(files);
  const found = [
    ...findCycles(folders).map((cycle) => `folders: ${cycle.join(' ↔ ')}`),
    ...findCycles(files).map((cycle) => `files: ${cycle.join(' ↔ ')}`),
  ];
  if (found.length > 0) {
    console.error(`Cycles in src/ (imports must go one way; see docs/ARCHITECTURE.md):\n${found.join('\n')}`);
    process.exit(1);
  }
  console.log(`No cycles between the ${files.size} files and ${folders.size} folders of src/.`);
}
