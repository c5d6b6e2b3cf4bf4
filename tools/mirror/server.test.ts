/**
 * The mirror as a browser client sees it: files in both layouts, the Hub's model, tree and list APIs,
 * ranges and conditional requests, the headers that let a client verify what it got, CORS, refusals,
 * and the injected faults an e2e test relies on. Every server listens on 127.0.0.1 only.
 *
 * Run: npx vitest run tools/mirror/server.test.ts
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelInfo, TreeEntry } from './hubApi.ts';
import { EXPOSED_HEADERS, startMirror, type Mirror } from './server.ts';
import {
  bodyJson,
  gitBlobOid,
  rawRequest,
  sha256,
  writeFakeModels,
  type FakeModels,
} from './testing/fixtures.ts';

const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

let fake: FakeModels;
let mirror: Mirror;

beforeAll(async () => {
  fake = writeFakeModels();
  mirror = await startMirror({ root: fake.root });
});
afterAll(async () => {
  await mirror?.close();
  rmSync(fake.outside, { recursive: true, force: true });
});

const bytesOf = (key: string): Buffer => {
  const bytes = fake.files.get(key);
  if (!bytes) throw new Error(`no fake file ${key}`);
  return bytes;
};
const get = (target: string, init?: RequestInit): Promise<Response> => fetch(`${mirror.url}${target}`, init);
const body = async (response: Response): Promise<Buffer> => Buffer.from(await response.arrayBuffer());

describe('the file route', () => {
  it('serves every file of a plain-layout model byte for byte', async () => {
    for (const path of ['config.json', 'tokenizer.json', 'onnx/model.onnx', 'weights.bin']) {
      const response = await get(`/acme/plain-chat/resolve/main/${path}`);
      expect(response.status, path).toBe(200);
      const bytes = await body(response);
      expect(bytes.equals(bytesOf(`acme/plain-chat/${path}`)), path).toBe(true);
      expect(response.headers.get('content-length')).toBe(String(bytes.length));
    }
    const config = await get('/acme/plain-chat/resolve/main/config.json');
    expect(config.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('serves a hub-layout model (the forge’s resolve/main folders) under the same route', async () => {
    const response = await get('/acme/hub-embed/resolve/main/onnx/model.onnx');
    expect(response.status).toBe(200);
    expect((await body(response)).equals(bytesOf('acme/hub-embed/onnx/model.onnx'))).toBe(true);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
  });

  it('maps any revision name to the same files', async () => {
    for (const revision of ['main', 'v1.0', 'refs%2Fpr%2F1', '0123456789abcdef0123456789abcdef01234567']) {
      const response = await get(`/acme/hub-embed/resolve/${revision}/config.json`);
      expect(response.status, revision).toBe(200);
      expect((await body(response)).equals(bytesOf('acme/hub-embed/config.json'))).toBe(true);
    }
  });

  it('answers HEAD with the GET headers and no body', async () => {
    const head = await get('/acme/plain-chat/resolve/main/onnx/model.onnx', { method: 'HEAD' });
    const full = await get('/acme/plain-chat/resolve/main/onnx/model.onnx');
    await full.arrayBuffer();
    expect(head.status).toBe(200);
    for (const name of [
      'content-length',
      'etag',
      'x-linked-etag',
      'x-linked-size',
      'accept-ranges',
      'content-type',
    ]) {
      expect(head.headers.get(name), name).toBe(full.headers.get(name));
    }
    expect((await body(head)).length).toBe(0);
  });

  it('answers 404 as JSON with a Hub error code for missing files, unknown models and other paths', async () => {
    const cases: [string, string][] = [
      ['/acme/plain-chat/resolve/main/onnx/model_fp16.onnx', 'EntryNotFound'],
      ['/acme/plain-chat/resolve/main/onnx', 'EntryNotFound'], // a folder is not a file
      ['/acme/nobody/resolve/main/config.json', 'RepoNotFound'],
      ['/acme/not-a-model/resolve/main/notes.txt', 'RepoNotFound'],
      ['/api/models/acme/nobody', 'RepoNotFound'],
      ['/api/models/acme/plain-chat/tree/main/nowhere', 'EntryNotFound'],
      ['/index.html', 'EntryNotFound'],
      ['/acme/plain-chat', 'EntryNotFound'],
      // Hidden files exist on disk but are not part of any repository.
      ['/acme/plain-chat/resolve/main/.git/HEAD', 'EntryNotFound'],
      ['/acme/hub-embed/resolve/main/.forge-stamp', 'EntryNotFound'],
    ];
    for (const [target, code] of cases) {
      const response = await get(target);
      expect(response.status, target).toBe(404);
      expect(response.headers.get('content-type'), target).toBe('application/json; charset=utf-8');
      expect(response.headers.get('x-error-code'), target).toBe(code);
      const json = (await response.json()) as { error: unknown };
      expect(typeof json.error, target).toBe('string');
    }
  });
});

describe('ranges', () => {
  const target = '/acme/plain-chat/resolve/main/onnx/model.onnx';
  const ranged = (range: string): Promise<Response> => get(target, { headers: { Range: range } });

  it('serves bytes=a-b, a- and -n as 206 with Content-Range', async () => {
    const file = bytesOf('acme/plain-chat/onnx/model.onnx');
    const size = file.length;
    const cases: [string, number, number][] = [
      ['bytes=0-9', 0, 9],
      ['bytes=100-', 100, size - 1],
      ['bytes=-250', size - 250, size - 1],
      ['bytes=4990-99999', 4990, size - 1], // the end is clamped
      ['bytes=-99999', 0, size - 1], // a suffix longer than the file is the whole file
    ];
    for (const [range, start, end] of cases) {
      const response = await ranged(range);
      expect(response.status, range).toBe(206);
      expect(response.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/${size}`);
      expect(response.headers.get('content-length'), range).toBe(String(end - start + 1));
      expect((await body(response)).equals(file.subarray(start, end + 1)), range).toBe(true);
    }
  });

  it('answers 416 with bytes */size for ranges beyond the file', async () => {
    for (const range of ['bytes=5000-', 'bytes=9000-9999', 'bytes=-0']) {
      const response = await ranged(range);
      expect(response.status, range).toBe(416);
      expect(response.headers.get('content-range'), range).toBe('bytes */5000');
      expect(((await response.json()) as { error: string }).error).toMatch(/outside/);
    }
    const empty = await get('/acme/plain-chat/resolve/main/empty.txt', { headers: { Range: 'bytes=0-' } });
    expect(empty.status).toBe(416);
    expect(empty.headers.get('content-range')).toBe('bytes */0');
  });

  it('ignores ranges it cannot serve as one slice, answering the whole file', async () => {
    for (const range of ['bytes=0-1,5-6', 'items=0-5', 'bytes=9-2', 'bytes=abc']) {
      const response = await ranged(range);
      expect(response.status, range).toBe(200);
      expect((await body(response)).length, range).toBe(5000);
    }
  });

  it('honours If-Range only while the client’s copy is current (strong ETag or exact date)', async () => {
    const head = await get(target, { method: 'HEAD' });
    const etag = head.headers.get('etag') ?? '';
    const lastModified = head.headers.get('last-modified') ?? '';
    expect((await get(target, { headers: { Range: 'bytes=0-9', 'If-Range': etag } })).status).toBe(206);
    expect((await get(target, { headers: { Range: 'bytes=0-9', 'If-Range': lastModified } })).status).toBe(
      206,
    );
    const stale = await get(target, { headers: { Range: 'bytes=0-9', 'If-Range': '"0000"' } });
    expect(stale.status).toBe(200);
    expect((await body(stale)).length).toBe(5000);
    // A weak ETag never validates a range: weak equality does not promise identical bytes.
    const config = '/acme/plain-chat/resolve/main/config.json';
    const weak = (await get(config, { method: 'HEAD' })).headers.get('etag') ?? '';
    expect(weak.startsWith('W/"')).toBe(true);
    expect((await get(config, { headers: { Range: 'bytes=0-1', 'If-Range': weak } })).status).toBe(200);
  });
});

describe('verification headers', () => {
  it('give LFS-like files the sha256 as strong ETag and X-Linked-ETag, and X-Linked-Size', async () => {
    for (const key of [
      'acme/plain-chat/onnx/model.onnx',
      'acme/plain-chat/weights.bin',
      'acme/hub-embed/onnx/model.onnx',
    ]) {
      const [org, name, ...path] = key.split('/');
      const response = await get(`/${org}/${name}/resolve/main/${path.join('/')}`);
      const bytes = await body(response);
      expect(response.headers.get('etag'), key).toBe(`"${sha256(bytes)}"`);
      expect(response.headers.get('x-linked-etag'), key).toBe(`"${sha256(bytesOf(key))}"`);
      expect(response.headers.get('x-linked-size'), key).toBe(String(bytesOf(key).length));
      expect(response.headers.get('accept-ranges')).toBe('bytes');
    }
  });

  it('give small files a weak ETag (their git blob id) and no X-Linked headers, as the Hub does', async () => {
    const response = await get('/acme/plain-chat/resolve/main/config.json');
    expect(response.headers.get('etag')).toBe(`W/"${gitBlobOid(bytesOf('acme/plain-chat/config.json'))}"`);
    expect(response.headers.get('x-linked-etag')).toBeNull();
    expect(response.headers.get('x-linked-size')).toBeNull();
  });

  it('answer 304 to If-None-Match with the current ETag (weak comparison, lists and *)', async () => {
    for (const path of ['onnx/model.onnx', 'config.json']) {
      const target = `/acme/plain-chat/resolve/main/${path}`;
      const etag = (await get(target, { method: 'HEAD' })).headers.get('etag') ?? '';
      for (const condition of [etag, `"other", ${etag}`, '*', `W/${etag.replace(/^W\//, '')}`]) {
        const response = await get(target, { headers: { 'If-None-Match': condition } });
        expect(response.status, `${path} ${condition}`).toBe(304);
        expect(response.headers.get('etag')).toBe(etag);
      }
      expect((await get(target, { headers: { 'If-None-Match': '"stale"' } })).status).toBe(200);
    }
  });

  it('tell every response’s readers the repository sha (X-Repo-Commit), as the Hub does', async () => {
    const info = (await (await get('/api/models/acme/hub-embed')).json()) as ModelInfo;
    const response = await get('/acme/hub-embed/resolve/main/config.json');
    expect(response.headers.get('x-repo-commit')).toBe(info.sha);
  });
});

describe('the Hub APIs', () => {
  it('describe a model: id, stable sha, siblings, parsed config, library and task', async () => {
    const chat = (await (await get('/api/models/acme/plain-chat')).json()) as ModelInfo;
    expect(chat).toMatchObject({
      id: 'acme/plain-chat',
      library_name: 'transformers.js',
      pipeline_tag: 'text-generation',
      config: { architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: 8 },
    });
    expect(chat.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(chat.siblings.map((sibling) => sibling.rfilename)).toEqual([
      'config.json',
      'empty.txt',
      'onnx/model.onnx',
      'onnx/model_q4.onnx',
      'tokenizer.json',
      'weights.bin',
    ]);
    const again = (await (await get('/api/models/acme/plain-chat/revision/main')).json()) as ModelInfo;
    expect(again.sha).toBe(chat.sha);

    const embed = (await (await get('/api/models/acme/hub-embed')).json()) as ModelInfo;
    expect(embed.pipeline_tag).toBe('feature-extraction');
    expect(embed.siblings.map((sibling) => sibling.rfilename)).not.toContain('.forge-stamp');
    expect(embed.sha).not.toBe(chat.sha);
  });

  it('list blob ids, sizes and LFS sha256 in siblings with ?blobs=true', async () => {
    const info = (await (await get('/api/models/acme/plain-chat?blobs=true')).json()) as ModelInfo;
    const onnx = info.siblings.find((sibling) => sibling.rfilename === 'onnx/model.onnx');
    expect(onnx?.lfs).toEqual({
      sha256: sha256(bytesOf('acme/plain-chat/onnx/model.onnx')),
      size: 5000,
      pointerSize: expect.any(Number) as number,
    });
    const config = info.siblings.find((sibling) => sibling.rfilename === 'config.json');
    expect(config).toEqual({
      rfilename: 'config.json',
      blobId: gitBlobOid(bytesOf('acme/plain-chat/config.json')),
      size: bytesOf('acme/plain-chat/config.json').length,
    });
  });

  it('list the models under the root, and only those', async () => {
    const models = (await (await get('/api/models')).json()) as ModelInfo[];
    expect(models.map((model) => model.id)).toEqual(['acme/hub-embed', 'acme/plain-chat', 'acme/small']);
    expect(models[0]).toMatchObject({ pipeline_tag: 'feature-extraction', library_name: 'transformers.js' });
    expect(models[0]).not.toHaveProperty('siblings'); // the Hub's list leaves out siblings and config
    expect(models[0]).not.toHaveProperty('config');
    const filtered = (await (await get('/api/models?search=chat')).json()) as ModelInfo[];
    expect(filtered.map((model) => model.id)).toEqual(['acme/plain-chat']);
  });

  it('give the recursive tree with sizes, git oids and LFS sha256 that match the files', async () => {
    const tree = (await (
      await get('/api/models/acme/plain-chat/tree/main?recursive=true')
    ).json()) as TreeEntry[];
    expect(tree.map((entry) => `${entry.type} ${entry.path}`)).toEqual([
      'file config.json',
      'file empty.txt',
      'directory onnx',
      'file onnx/model.onnx',
      'file onnx/model_q4.onnx',
      'file tokenizer.json',
      'file weights.bin',
    ]);
    for (const entry of tree) {
      if (entry.type === 'directory') {
        expect(entry.size).toBe(0);
        expect(entry.oid).toMatch(/^[0-9a-f]{40}$/);
        continue;
      }
      const bytes = bytesOf(`acme/plain-chat/${entry.path}`);
      expect(entry.size, entry.path).toBe(bytes.length);
      const lfsLike = bytes.length > 1024 * 1024 || entry.path.endsWith('.onnx');
      if (lfsLike) {
        // The Hub's oid for an LFS file is the git id of its pointer; lfs.oid is the sha256 of the bytes.
        const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(bytes)}\nsize ${bytes.length}\n`;
        expect(entry.lfs, entry.path).toEqual({
          oid: sha256(bytes),
          size: bytes.length,
          pointerSize: pointer.length,
        });
        expect(entry.oid, entry.path).toBe(gitBlobOid(Buffer.from(pointer)));
      } else {
        expect(entry.lfs, entry.path).toBeUndefined();
        expect(entry.oid, entry.path).toBe(gitBlobOid(bytes));
      }
    }
  });

  it('list one folder’s direct children without recursive, and a subfolder by path', async () => {
    const top = (await (await get('/api/models/acme/small/tree/main')).json()) as TreeEntry[];
    expect(top.map((entry) => entry.path)).toEqual(['config.json', 'docs', 'docs-extra.txt']);
    const docs = (await (await get('/api/models/acme/hub-embed/tree/main/onnx')).json()) as TreeEntry[];
    expect(docs).toEqual([
      expect.objectContaining({ type: 'file', path: 'onnx/model.onnx', size: 4000 }) as TreeEntry,
    ]);
    const deep = (await (
      await get('/api/models/acme/small/tree/main/docs?recursive=1')
    ).json()) as TreeEntry[];
    expect(deep.map((entry) => entry.path)).toEqual([
      'docs/deeper',
      'docs/deeper/more.txt',
      'docs/notes.txt',
    ]);
  });

  it('compute the same folder and blob ids as git itself', async () => {
    let hasGit = true;
    try {
      execFileSync('git', ['--version']);
    } catch {
      hasGit = false;
    }
    if (!hasGit) return; // git is a cross-check, not a requirement
    const folder = mkdtempSync(join(tmpdir(), 'mirror-git-'));
    try {
      cpSync(join(fake.root, 'acme', 'small'), folder, { recursive: true });
      const git = (...args: string[]): string =>
        execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], {
          cwd: folder,
          encoding: 'utf8',
        }).trim();
      git('init', '-q');
      git('add', '-A');
      const info = (await (await get('/api/models/acme/small')).json()) as ModelInfo;
      expect(info.sha).toBe(git('write-tree'));
      const tree = (await (
        await get('/api/models/acme/small/tree/main?recursive=true')
      ).json()) as TreeEntry[];
      const docs = tree.find((entry) => entry.path === 'docs');
      expect(docs?.oid).toBe(git('rev-parse', `${git('write-tree')}:docs`));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('re-hash a file that changed on disk: new ETag, new size, new model sha', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mirror-change-'));
    cpSync(join(fake.root, 'acme', 'small'), join(root, 'acme', 'small'), { recursive: true });
    const own = await startMirror({ root });
    try {
      const target = `${own.url}/acme/small/resolve/main/docs/notes.txt`;
      const before = (await fetch(target, { method: 'HEAD' })).headers.get('etag');
      const shaBefore = ((await (await fetch(`${own.url}/api/models/acme/small`)).json()) as ModelInfo).sha;
      writeFileSync(join(root, 'acme', 'small', 'docs', 'notes.txt'), 'new notes, longer than before\n');
      const after = await fetch(target);
      expect(await after.text()).toBe('new notes, longer than before\n');
      expect(after.headers.get('etag')).not.toBe(before);
      const shaAfter = ((await (await fetch(`${own.url}/api/models/acme/small`)).json()) as ModelInfo).sha;
      expect(shaAfter).not.toBe(shaBefore);
    } finally {
      await own.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('browser access', () => {
  const preflight = (origin: string) =>
    rawRequest(mirror.url, '/acme/plain-chat/resolve/main/onnx/model.onnx', {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'range, if-none-match',
        'Access-Control-Request-Private-Network': 'true',
      },
    });

  it('answers the app’s CORS preflights allowing Range and If-None-Match, and Private Network Access', async () => {
    const reply = await preflight('http://localhost:4173');
    expect(reply.status).toBe(204);
    expect(reply.headers['access-control-allow-origin']).toBe('http://localhost:4173');
    expect(reply.headers['access-control-allow-methods']).toBe('GET, HEAD, OPTIONS');
    const allowed = (reply.headers['access-control-allow-headers'] ?? '').toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['range', 'if-none-match']));
    expect(reply.headers['access-control-allow-private-network']).toBe('true');
  });

  it('tells any other web page neither that it may read nor that it may reach a private network', async () => {
    const reply = await preflight('https://some-site.example');
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
    expect(reply.headers['access-control-allow-private-network']).toBeUndefined();
    const response = await get('/acme/plain-chat/resolve/main/config.json', {
      headers: { Origin: 'https://some-site.example' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it('lets an origin given with allowedOrigins read, besides this machine’s own pages', async () => {
    const open = await startMirror({
      root: fake.root,
      allowedOrigins: ['https://glassbox.school.example/app/'],
    });
    try {
      const response = await fetch(`${open.url}/api/models`, {
        headers: { Origin: 'https://glassbox.school.example' },
      });
      expect(response.headers.get('access-control-allow-origin')).toBe('https://glassbox.school.example');
    } finally {
      await open.close();
    }
  });

  it('lets the app read every response and its verification headers, and marks them cross-origin', async () => {
    for (const target of ['/acme/plain-chat/resolve/main/weights.bin', '/api/models', '/nothing-here']) {
      const response = await get(target, { method: 'HEAD', headers: { Origin: 'http://127.0.0.1:4173' } });
      expect(response.headers.get('access-control-allow-origin'), target).toBe('http://127.0.0.1:4173');
      expect(response.headers.get('cross-origin-resource-policy'), target).toBe('cross-origin');
      const exposed = (response.headers.get('access-control-expose-headers') ?? '').split(', ');
      expect(exposed).toEqual(expect.arrayContaining([...EXPOSED_HEADERS]));
    }
    expect(EXPOSED_HEADERS).toEqual(
      expect.arrayContaining([
        'Content-Length',
        'Content-Range',
        'ETag',
        'X-Linked-ETag',
        'X-Linked-Size',
        'Accept-Ranges',
      ]),
    );
  });

  it('refuses every method but GET, HEAD and OPTIONS with a JSON 405', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const reply = await rawRequest(mirror.url, '/acme/plain-chat/resolve/main/config.json', { method });
      expect(reply.status, method).toBe(405);
      expect(reply.headers.allow).toBe('GET, HEAD, OPTIONS');
      expect(bodyJson<{ error: string }>(reply).error).toMatch(/only serves files/);
    }
  });

  it('rejects path traversal, however it is encoded, and never leaks a file outside the root', async () => {
    const secret = readFileSync(join(fake.outside, 'secret.txt'));
    const attempts = [
      '/a/b/resolve/main/..%2f..%2fetc/passwd',
      '/acme/plain-chat/resolve/main/../../../secret.txt',
      '/acme/plain-chat/resolve/main/..%2f..%2f..%2fsecret.txt',
      '/acme/plain-chat/resolve/main/%2e%2e/%2e%2e/%2e%2e/secret.txt',
      '/acme/plain-chat/resolve/main/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt',
      '/acme/plain-chat/resolve/main/%252e%252e%252f%252e%252e%252fsecret.txt',
      '/acme/plain-chat/resolve/main/..\\..\\..\\secret.txt',
      '/acme/plain-chat/resolve/main/%5c..%5c..%5c..%5csecret.txt',
      `/acme/plain-chat/resolve/main/${encodeURIComponent(join(fake.outside, 'secret.txt'))}`,
      '/acme/plain-chat/resolve/main//etc/passwd',
      '/acme/plain-chat/resolve/main/config.json%00.txt',
      '/acme/plain-chat/resolve/main/%c0%ae%c0%ae/secret.txt',
      '/acme/..%2f..%2f/resolve/main/secret.txt',
      '/..%2f/models/resolve/main/secret.txt',
      '/api/models/acme/plain-chat/tree/main/..%2f..%2f..',
      '/api/models/..%2f../x',
    ];
    for (const target of attempts) {
      const reply = await rawRequest(mirror.url, target);
      expect([400, 404], target).toContain(reply.status);
      expect(reply.headers['content-type'], target).toBe('application/json; charset=utf-8');
      expect(reply.body.includes(secret), target).toBe(false);
    }
  });
});

describe('symlinks', () => {
  it('never serves or lists a file whose symlink leads out of the root', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mirror-links-'));
    cpSync(fake.root, root, { recursive: true });
    symlinkSync(join(fake.outside, 'secret.txt'), join(root, 'acme/plain-chat/leak.txt'));
    symlinkSync(join(root, 'acme/plain-chat/config.json'), join(root, 'acme/plain-chat/inside.json'));
    const linked = await startMirror({ root });
    try {
      expect((await fetch(`${linked.url}/acme/plain-chat/resolve/main/leak.txt`)).status).toBe(404);
      expect((await fetch(`${linked.url}/acme/plain-chat/resolve/main/inside.json`)).status).toBe(200);
      const tree = (await (
        await fetch(`${linked.url}/api/models/acme/plain-chat/tree/main?recursive=true`)
      ).json()) as TreeEntry[];
      expect(tree.map((entry) => entry.path)).not.toContain('leak.txt');
    } finally {
      await linked.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('injected faults', () => {
  it('dropOnce cuts the first GET after the given bytes; a Range request then completes the file', async () => {
    const faulty = await startMirror({
      root: fake.root,
      faults: { dropOnce: { path: 'onnx/model.onnx', afterBytes: 1234 } },
    });
    try {
      const target = '/acme/plain-chat/resolve/main/onnx/model.onnx';
      const file = bytesOf('acme/plain-chat/onnx/model.onnx');
      const head = await rawRequest(faulty.url, target, { method: 'HEAD' }); // HEAD does not use up the fault
      expect(head.status).toBe(200);

      const first = await rawRequest(faulty.url, target);
      expect(first.status).toBe(200);
      expect(first.headers['content-length']).toBe(String(file.length));
      expect(first.cut).toBe(true);
      expect(first.body.length).toBe(1234);
      expect(first.body.equals(file.subarray(0, 1234))).toBe(true);

      const rest = await rawRequest(faulty.url, target, {
        headers: { Range: `bytes=${first.body.length}-`, 'If-Range': String(first.headers.etag) },
      });
      expect(rest.status).toBe(206);
      expect(rest.cut).toBe(false);
      expect(Buffer.concat([first.body, rest.body]).equals(file)).toBe(true);

      const again = await rawRequest(faulty.url, target);
      expect(again.cut).toBe(false);
      expect(again.body.equals(file)).toBe(true);
      // Only the model.onnx suffix matched: model_q4.onnx and the other model's file were never cut.
      expect((await rawRequest(faulty.url, '/acme/plain-chat/resolve/main/onnx/model_q4.onnx')).cut).toBe(
        false,
      );

      expect(faulty.requests.filter((entry) => entry.path === target)).toEqual([
        { method: 'HEAD', path: target, status: 200 },
        { method: 'GET', path: target, status: 200, fault: 'drop-once' },
        { method: 'GET', path: target, range: `bytes=${first.body.length}-`, status: 206 },
        { method: 'GET', path: target, status: 200 },
      ]);
    } finally {
      await faulty.close();
    }
  });

  it('dropOnce with 0 bytes sends only the headers before cutting', async () => {
    const faulty = await startMirror({
      root: fake.root,
      faults: { dropOnce: { path: 'config.json', afterBytes: 0 } },
    });
    try {
      const first = await rawRequest(faulty.url, '/acme/small/resolve/main/config.json');
      expect(first.status).toBe(200);
      expect(first.cut).toBe(true);
      expect(first.body.length).toBe(0);
      expect((await rawRequest(faulty.url, '/acme/small/resolve/main/config.json')).cut).toBe(false);
    } finally {
      await faulty.close();
    }
  });

  it('corrupt size serves a cleanly shorter file while the tree and X-Linked-Size keep the true size', async () => {
    const faulty = await startMirror({
      root: fake.root,
      faults: { corrupt: { path: 'acme/hub-embed/onnx/model.onnx', mode: 'size' } },
    });
    try {
      const reply = await rawRequest(faulty.url, '/acme/hub-embed/resolve/main/onnx/model.onnx');
      expect(reply.status).toBe(200);
      expect(reply.cut).toBe(false); // Content-Length is honest; only the size check can tell
      expect(reply.headers['content-length']).toBe(String(reply.body.length));
      expect(reply.body.length).not.toBe(4000);
      expect(reply.headers['x-linked-size']).toBe('4000');
      const tree = bodyJson<TreeEntry[]>(
        await rawRequest(faulty.url, '/api/models/acme/hub-embed/tree/main/onnx'),
      );
      expect(tree[0]?.size).toBe(4000);
      expect(faulty.requests.at(-2)?.fault).toBe('corrupt-size');
      // The other model's file of the same name is untouched.
      const other = await rawRequest(faulty.url, '/acme/plain-chat/resolve/main/onnx/model.onnx');
      expect(other.body.length).toBe(5000);
    } finally {
      await faulty.close();
    }
  });

  it('corrupt bytes serves the right length with one byte flipped, so only sha256 catches it', async () => {
    const faulty = await startMirror({
      root: fake.root,
      faults: { corrupt: { path: 'weights.bin', mode: 'bytes' } },
    });
    try {
      const target = '/acme/plain-chat/resolve/main/weights.bin';
      const file = bytesOf('acme/plain-chat/weights.bin');
      const reply = await rawRequest(faulty.url, target);
      expect(reply.status).toBe(200);
      expect(reply.body.length).toBe(file.length);
      expect(reply.headers['x-linked-size']).toBe(String(file.length));
      expect(reply.headers['x-linked-etag']).toBe(`"${sha256(file)}"`);
      expect(sha256(reply.body)).not.toBe(sha256(file));
      const differing = [...reply.body.keys()].filter((index) => reply.body[index] !== file[index]);
      expect(differing).toEqual([Math.floor(file.length / 2)]);
      // A range across the middle carries the same flip, so a resumed download is just as wrong.
      const middle = Math.floor(file.length / 2);
      const slice = await rawRequest(faulty.url, target, {
        headers: { Range: `bytes=${middle - 1}-${middle + 1}` },
      });
      expect(slice.body.equals(reply.body.subarray(middle - 1, middle + 2))).toBe(true);
    } finally {
      await faulty.close();
    }
  });
});

describe('over a forged model', () => {
  const forged = join(REPO_ROOT, 'public', 'models', 'glassbox');
  const present = existsSync(join(forged, 'tiny-chat', 'resolve', 'main', 'config.json'));
  let root = '';
  let own: Mirror | undefined;

  beforeAll(async () => {
    if (!present) return;
    // A copy, so a concurrent `npm run forge` cannot change the files under the test.
    root = mkdtempSync(join(tmpdir(), 'mirror-forged-'));
    cpSync(forged, join(root, 'glassbox'), { recursive: true });
    own = await startMirror({ root });
  });
  afterAll(async () => {
    await own?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it.skipIf(!present)(
    'serves glassbox/tiny-chat with tree sizes and sha256 matching the forged files',
    async () => {
      if (!own) throw new Error('mirror not started');
      const models = ((await (await fetch(`${own.url}/api/models`)).json()) as ModelInfo[]).map(
        (model) => model.id,
      );
      expect(models).toContain('glassbox/tiny-chat');
      const info = (await (await fetch(`${own.url}/api/models/glassbox/tiny-chat`)).json()) as ModelInfo;
      expect(info.pipeline_tag).toBe('text-generation');
      const tree = (await (
        await fetch(`${own.url}/api/models/glassbox/tiny-chat/tree/main?recursive=true`)
      ).json()) as TreeEntry[];
      const files = tree.filter((entry) => entry.type === 'file');
      expect(files.map((entry) => entry.path)).toEqual(
        expect.arrayContaining(['config.json', 'onnx/model.onnx']),
      );
      for (const entry of files) {
        const response = await fetch(`${own.url}/glassbox/tiny-chat/resolve/main/${entry.path}`);
        const bytes = await body(response);
        const onDisk = readFileSync(join(root, 'glassbox', 'tiny-chat', 'resolve', 'main', entry.path));
        expect(bytes.equals(onDisk), entry.path).toBe(true);
        expect(entry.size, entry.path).toBe(bytes.length);
        if (entry.path.endsWith('.onnx')) {
          expect(entry.lfs?.oid, entry.path).toBe(sha256(bytes));
          expect(response.headers.get('x-linked-etag'), entry.path).toBe(`"${sha256(bytes)}"`);
        }
      }
    },
  );

  it.skipIf(!present)('is a host Transformers.js itself loads a tokenizer and a model from', async () => {
    if (!own) throw new Error('mirror not started');
    const { AutoTokenizer, AutoModelForCausalLM, env } = await import('@huggingface/transformers');
    env.allowLocalModels = false;
    env.allowRemoteModels = true;
    env.remoteHost = `${own.url}/`;
    env.cacheDir = join(root, '.cache'); // never reuse files from an earlier run
    const tokenizer = await AutoTokenizer.from_pretrained('glassbox/tiny-chat');
    expect(tokenizer.encode('hello').length).toBeGreaterThan(0);
    const model = await AutoModelForCausalLM.from_pretrained('glassbox/tiny-chat', { dtype: 'fp32' });
    await model.dispose();
    const fetched = own.requests
      .filter((entry) => entry.path.includes('/resolve/'))
      .map((entry) => entry.path);
    expect(fetched).toEqual(
      expect.arrayContaining([
        '/glassbox/tiny-chat/resolve/main/tokenizer.json',
        '/glassbox/tiny-chat/resolve/main/onnx/model.onnx',
      ]),
    );
  });
});
