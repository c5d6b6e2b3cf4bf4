/**
 * The CPU peer's page: a blank page and wllama's ESM build (its script and wasm) from node_modules, served
 * cross-origin isolated as the app is, so that wllama may start threads. The GGUF files come from the mirror,
 * as the app's models do.
 *
 *   const server = await startWllamaServer(); // page at server.url, wllama at `${server.url}/wllama/index.js`
 *   await server.stop();
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { ISOLATION_HEADERS } from '../../src/pwa/policy.ts';
import { ROOT } from '../paths.ts';

const ESM = join(ROOT, 'node_modules', '@wllama', 'wllama', 'esm');
const PAGE = '<!doctype html><meta charset="utf-8"><title>wllama</title>';
/** Module scripts and streaming wasm compilation need their types. */
const TYPES: Readonly<Record<string, string>> = { js: 'text/javascript', wasm: 'application/wasm' };

export interface WllamaServer {
  /** The page's origin, without a trailing slash. */
  url: string;
  stop(): Promise<void>;
}

export async function startWllamaServer(): Promise<WllamaServer> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const file = path.startsWith('/wllama/') ? normalize(path.slice('/wllama/'.length)) : null;
    if (path === '/') {
      response.writeHead(200, { ...ISOLATION_HEADERS, 'Content-Type': 'text/html' }).end(PAGE);
      return;
    }
    if (file === null || file.startsWith('..')) {
      response.writeHead(404, ISOLATION_HEADERS).end();
      return;
    }
    readFile(join(ESM, file)).then(
      (body) =>
        response
          .writeHead(200, {
            ...ISOLATION_HEADERS,
            'Content-Type': TYPES[file.split('.').pop() ?? ''] ?? 'application/octet-stream',
          })
          .end(body),
      () => response.writeHead(404, ISOLATION_HEADERS).end(),
    );
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}
