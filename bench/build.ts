/**
 * What the browser side needs on disk first: the forged benchmark models (the forge skips them when up to
 * date) and the built app, with the size of the JS it loads before it can start.
 *
 *   const initialJs = buildApp(); // gzipped bytes
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from './paths.ts';
import { say } from './progress.ts';
import { runNode } from './runNode.ts';

export function forgeModels(): void {
  say('forging the benchmark models (skipped when up to date)');
  runNode(['--import', 'tsx', join(ROOT, 'tools', 'forge', 'cli.ts'), 'bench']);
}

/** Builds the app into dist/; returns its initial JS in gzipped bytes. */
export function buildApp(): number {
  say('building the app');
  runNode([join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);
  return initialJsGzipBytes(join(ROOT, 'dist'));
}

/** Gzipped bytes of the scripts index.html loads before the app can start (the wasm and models come later). */
export function initialJsGzipBytes(dist: string): number {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const scripts = [
    ...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+)"/g),
  ];
  return scripts.reduce(
    (sum, [, src]) => sum + gzipSync(readFileSync(join(dist, (src ?? '').replace(/^\//, '')))).length,
    0,
  );
}
