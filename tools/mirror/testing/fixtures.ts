/**
 * Test helpers for the mirror: small fake model folders in both layouts, and a raw HTTP client that
 * sends request targets exactly as written (fetch would normalise `..` away before a traversal test
 * could send it) and survives a connection cut mid-body.
 *
 *   const root = writeFakeModels();   // → '/tmp/mirror-models-…/models'
 *   const reply = await rawRequest(`${mirror.url}`, '/acme/plain-chat/resolve/main/config.json');
 *   // → { status: 200, headers: { etag: 'W/"…"', … }, body: <Buffer …>, cut: false }
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
export const gitBlobOid = (bytes: Buffer): string =>
  createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');

export interface FakeModels {
  /** The folder to serve. */
  readonly root: string;
  /** Its parent, which also holds `secret.txt` (what traversal attempts reach for). */
  readonly outside: string;
  /** Every served file's bytes by `<org>/<name>/<path inside the model>`. */
  readonly files: Map<string, Buffer>;
}

const json = (value: unknown): Buffer => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);

/**
 * `acme/plain-chat` (plain layout, a decoder, an LFS-sized `.bin`, an empty file and a hidden `.git`),
 * `acme/hub-embed` (the forge's hub layout, an encoder, a hidden stamp), `acme/small` (only small
 * files, for comparing with git) and `acme/not-a-model` (no config.json: not listed).
 */
export function writeFakeModels(): FakeModels {
  const outside = mkdtempSync(join(tmpdir(), 'mirror-models-'));
  const root = join(outside, 'models');
  const files = new Map<string, Buffer>();
  const put = (path: string, bytes: Buffer, served: string | null): void => {
    const absolute = join(root, path);
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, bytes);
    if (served !== null) files.set(served, bytes);
  };
  writeFileSync(join(outside, 'secret.txt'), 'the teacher’s secret\n');

  const plain = (path: string, bytes: Buffer): void =>
    put(`acme/plain-chat/${path}`, bytes, `acme/plain-chat/${path}`);
  plain('config.json', json({ architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: 8 }));
  plain('tokenizer.json', json({ version: '1.0', model: { type: 'BPE', vocab: { a: 0, b: 1 } } }));
  plain('onnx/model.onnx', randomBytes(5000));
  plain('onnx/model_q4.onnx', randomBytes(3000));
  plain('weights.bin', randomBytes(1024 * 1024 + 17)); // over 1 MiB: LFS by size, not by name
  plain('empty.txt', Buffer.alloc(0));
  put('acme/plain-chat/.git/HEAD', Buffer.from('ref: refs/heads/main\n'), null);

  const hub = (path: string, bytes: Buffer): void =>
    put(`acme/hub-embed/resolve/main/${path}`, bytes, `acme/hub-embed/${path}`);
  hub('config.json', json({ architectures: ['BertModel'], model_type: 'bert', hidden_size: 8 }));
  hub('tokenizer.json', json({ version: '1.0', model: { type: 'WordPiece', vocab: { '[UNK]': 0 } } }));
  hub('README.md', Buffer.from('# hub-embed\n'));
  hub('onnx/model.onnx', randomBytes(4000));
  put('acme/hub-embed/resolve/main/.forge-stamp', Buffer.from('{}'), null);

  const small = (path: string, bytes: Buffer): void => put(`acme/small/${path}`, bytes, `acme/small/${path}`);
  small('config.json', json({ architectures: ['BertModel'], model_type: 'bert' }));
  small('docs/notes.txt', Buffer.from('notes\n'));
  small('docs/deeper/more.txt', Buffer.from('more\n'));
  small('docs-extra.txt', Buffer.from('sorts between docs and docs/ in git\n'));

  put('acme/not-a-model/notes.txt', Buffer.from('no config here\n'), null);
  return { root, outside, files };
}

export interface RawReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** True when the connection closed before the promised Content-Length arrived. */
  readonly cut: boolean;
}

/** One request with the target sent verbatim; resolves with what arrived even if the socket is cut. */
export function rawRequest(
  base: string,
  target: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<RawReply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'GET',
        path: target,
        headers: options.headers ?? {},
        agent: false, // a fresh connection each time, so a cut socket never poisons the next request
      },
      (res) => {
        const chunks: Buffer[] = [];
        let cut = false;
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('aborted', () => {
          cut = true;
        });
        res.on('error', () => {
          cut = true;
        });
        res.on('close', () => {
          const complete = res.complete;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            cut: cut || !complete,
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The parsed JSON body of a reply. */
export function bodyJson<T = unknown>(reply: RawReply): T {
  return JSON.parse(reply.body.toString('utf8')) as T;
}
