import { describe, expect, it } from 'vitest';
import { REFUSED_HEADER } from '../core/ledger.ts';
import { ModelHost, announcedSha256, announcedSize, contentRange } from './host.ts';

const SHA = 'a'.repeat(64);

/** A host that answers each URL from a table (404 for anything else), recording what was asked. */
function scripted(answers: Record<string, () => Response>) {
  const asked: { url: string; range: string | null }[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    asked.push({ url, range: new Headers(init?.headers).get('range') });
    return answers[url]?.() ?? new Response('{"error":"Entry not found"}', { status: 404 });
  }) as typeof fetch;
  return { host: new ModelHost('http://mirror/', fetchImpl), asked };
}

describe('announcedSha256', () => {
  it('reads the Hub’s X-Linked-ETag, or a 64-hex ETag, and ignores git blob ids', () => {
    expect(announcedSha256(new Headers({ 'x-linked-etag': `"${SHA}"` }))).toBe(SHA);
    expect(announcedSha256(new Headers({ etag: `"${SHA.toUpperCase()}"` }))).toBe(SHA);
    expect(announcedSha256(new Headers({ etag: 'W/"a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"' }))).toBeNull();
  });
});

describe('contentRange and announcedSize', () => {
  it('reads start, end and total, with an unknown total as null', () => {
    expect(contentRange(new Headers({ 'content-range': 'bytes 8-15/400' }))).toEqual({
      start: 8,
      end: 15,
      total: 400,
    });
    expect(contentRange(new Headers({ 'content-range': 'bytes 0-0/*' }))?.total).toBeNull();
    expect(contentRange(new Headers({ 'content-range': 'items 1-2/3' }))).toBeNull();
  });

  it('takes the whole size from Content-Range, else the length (plus the offset of a 206 answer)', () => {
    const ranged = new Response('x', { status: 206, headers: { 'content-range': 'bytes 0-0/1234' } });
    expect(announcedSize(ranged)).toBe(1234);
    const rest = new Response('xx', { status: 206, headers: { 'content-length': '2' } });
    expect(announcedSize(rest, 10)).toBe(12);
    const linked = new Response('x', { headers: { 'x-linked-size': '99', 'content-length': '1' } });
    expect(announcedSize(linked)).toBe(99);
    expect(announcedSize(new Response(null))).toBeNull();
  });
});

describe('ModelHost', () => {
  it('names files in Hugging Face layout, whatever slashes the host URL ends with', () => {
    expect(new ModelHost('http://mirror//').fileUrl('org/m', 'onnx/model.onnx')).toBe(
      'http://mirror/org/m/resolve/main/onnx/model.onnx',
    );
  });

  it('lists files from the tree API with LFS sizes and sha256', async () => {
    const { host } = scripted({
      'http://mirror/api/models/org/m/tree/main?recursive=true': () =>
        Response.json([
          { type: 'directory', path: 'onnx' },
          { type: 'file', path: 'config.json', size: 20 },
          { type: 'file', path: 'onnx/model.onnx', size: 134, lfs: { oid: SHA, size: 5000 } },
        ]),
    });
    expect(await host.listing('org/m')).toEqual([
      { path: 'config.json', size: 20, sha256: null },
      { path: 'onnx/model.onnx', size: 5000, sha256: SHA },
    ]);
  });

  it('falls back to the model info’s file names, and lists nothing on a host without an API', async () => {
    const { host } = scripted({
      'http://mirror/api/models/org/m': () => Response.json({ siblings: [{ rfilename: 'config.json' }, {}] }),
    });
    expect(await host.listing('org/m')).toEqual([{ path: 'config.json', size: null, sha256: null }]);
    expect(await host.listing('org/other')).toBeNull();
  });

  it('turns the offline switch’s refusal into HubError offline, also for a listing', async () => {
    const refused = () =>
      new Response('refused', { status: 503, headers: { [REFUSED_HEADER]: 'offline-switch' } });
    const { host } = scripted({
      'http://mirror/org/m/resolve/main/config.json': refused,
      'http://mirror/api/models/org/m/tree/main?recursive=true': refused,
    });
    await expect(host.json('org/m', 'config.json')).rejects.toMatchObject({
      code: 'offline',
      message: expect.stringContaining('offline switch is on'),
    });
    await expect(host.listing('org/m')).rejects.toMatchObject({ code: 'offline' });
  });

  it('says which host could not be reached, and lets a cancel through as an abort', async () => {
    const unreachable = new ModelHost('http://nowhere', (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch);
    await expect(unreachable.json('org/m', 'config.json')).rejects.toMatchObject({
      code: 'network',
      message: expect.stringMatching(
        /^Could not reach http:\/\/nowhere: .* \u2063\(Failed to fetch\)\u2063$/,
      ),
    });
    const cancelling = new ModelHost('http://mirror', (async () => {
      throw new DOMException('stopped', 'AbortError');
    }) as typeof fetch);
    await expect(cancelling.file('org/m', 'config.json')).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('gives up on a host that accepts the request and never answers, and says so', async () => {
    const silent = (async (_url: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)),
      )) as typeof fetch;
    const host = new ModelHost('http://stalled', silent, 30);
    await expect(host.json('org/m', 'config.json')).rejects.toMatchObject({
      code: 'network',
      message: expect.stringContaining('http://stalled did not answer within 0.03 s'),
    });
    await expect(host.listing('org/m')).rejects.toMatchObject({ code: 'network' });
    const cancel = new AbortController();
    const cancelled = host.optionalText('org/m', 'README.md', cancel.signal);
    cancel.abort(new DOMException('stopped', 'AbortError'));
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('tells a missing file from a failing host and from an answer that is not JSON', async () => {
    const { host } = scripted({
      'http://mirror/org/m/resolve/main/config.json': () => new Response('<html>', { status: 200 }),
      'http://mirror/org/m/resolve/main/busy.json': () => new Response('busy', { status: 500 }),
    });
    await expect(host.json('org/m', 'config.json')).rejects.toMatchObject({ code: 'bad-answer' });
    await expect(host.json('org/m', 'busy.json')).rejects.toMatchObject({
      code: 'bad-answer',
      message: expect.stringContaining('answered 500'),
    });
    await expect(host.json('org/m', 'missing.json')).rejects.toMatchObject({ code: 'not-found' });
    expect(await host.optionalText('org/m', 'README.md')).toBeNull();
  });

  it('reads a byte range only from a host that serves ranges', async () => {
    const { host, asked } = scripted({
      'http://mirror/org/m/resolve/main/a.safetensors': () =>
        new Response(new Uint8Array([1, 2]), { status: 206, headers: { 'content-range': 'bytes 0-1/10' } }),
      'http://mirror/org/m/resolve/main/b.safetensors': () => new Response(new Uint8Array(10)),
    });
    expect(await host.range('org/m', 'a.safetensors', 0, 1)).toEqual({
      bytes: Uint8Array.of(1, 2),
      size: 10,
    });
    expect(asked[0]?.range).toBe('bytes=0-1');
    await expect(host.range('org/m', 'b.safetensors', 0, 1)).rejects.toMatchObject({ code: 'no-ranges' });
  });

  it('probes a file’s size with one byte, and answers null for a missing file', async () => {
    const { host } = scripted({
      'http://mirror/org/m/resolve/main/onnx/model.onnx': () =>
        new Response('x', { status: 206, headers: { 'content-range': 'bytes 0-0/4000' } }),
    });
    expect(await host.probe('org/m', 'onnx/model.onnx')).toEqual({
      path: 'onnx/model.onnx',
      size: 4000,
      sha256: null,
    });
    expect(await host.probe('org/m', 'onnx/model_q4.onnx')).toBeNull();
  });
});
