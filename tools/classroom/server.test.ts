import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classroomOf } from '../../src/hub/classroom.ts';
import { startClassroom, type ClassroomServer } from './server.ts';

let folder: string;
let classroom: ClassroomServer;

beforeAll(async () => {
  // A built app of two files (the real one is built after the unit tests), and a secret next to it.
  folder = await mkdtemp(join(tmpdir(), 'glassbox-classroom-test-'));
  const dist = join(folder, 'dist');
  await mkdir(join(dist, 'assets'), { recursive: true });
  await writeFile(
    join(dist, 'index.html'),
    '<!doctype html><html><head><title>Glassbox</title></head></html>',
  );
  await writeFile(join(dist, 'assets', 'app.js'), 'export {};');
  await writeFile(join(folder, 'secret.txt'), 'not for students');
  await symlink(join(folder, 'secret.txt'), join(dist, 'assets', 'leak.txt'));
  classroom = await startClassroom({ dist, models: 'public/models', port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await classroom.close();
  await rm(folder, { recursive: true, force: true });
});

const get = (path: string, init?: RequestInit) => fetch(`${classroom.url}${path}`, init);

describe('the classroom server', () => {
  it('serves the app with the classroom announcement in index.html', async () => {
    const response = await get('/');
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await response.text();
    const meta = /<meta name="glassbox-classroom" content="([^"]*)">/.exec(html)?.[1] ?? '';
    const content = meta
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&amp;/g, '&');
    const page = { querySelector: () => ({ getAttribute: () => content }) };
    expect(classroomOf(page as never)).toEqual({
      studentUrls: [`${classroom.url}/`],
      models: ['glassbox/tiny-chat', 'glassbox/tiny-embed'],
    });
    expect((await get('/assets/app.js')).headers.get('content-type')).toContain('text/javascript');
  });

  it('serves the models under /models, as a Hugging Face host', async () => {
    const config = await get('/models/glassbox/tiny-chat/resolve/main/config.json');
    expect(config.status).toBe(200);
    expect(await config.json()).toHaveProperty('model_type');
    const tree = await get('/models/api/models/glassbox/tiny-embed/tree/main');
    expect(tree.status).toBe(200);
    expect((await get('/models/glassbox/absent/resolve/main/config.json')).status).toBe(404);
  });

  it('isolates the page where the browser honours it: on this laptop, not on a plain-http LAN address', async () => {
    expect((await get('/')).headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    // fetch() may not set Host: a student's request, as it arrives, through node:http.
    const lanHeaders = await new Promise<IncomingHttpHeaders>((resolve, reject) => {
      request(`${classroom.url}/`, { headers: { Host: '192.168.1.20:8080' } }, (response) => {
        response.resume();
        resolve(response.headers);
      })
        .on('error', reject)
        .end();
    });
    expect(lanHeaders['cross-origin-embedder-policy']).toBeUndefined();
    expect(lanHeaders['content-security-policy']).toContain("script-src 'self'");
  });

  it.each([
    ['a link out of the app', '/assets/leak.txt', 404],
    ['an encoded climb', '/assets/..%2f..%2fsecret.txt', 404],
    ['a hidden file', '/.env', 404],
    ['a missing file', '/assets/missing.js', 404],
  ])('refuses %s', async (_, path, status) => {
    expect((await get(path)).status).toBe(status);
  });

  it('only answers GET and HEAD', async () => {
    const response = await get('/', { method: 'POST', body: 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });
});
