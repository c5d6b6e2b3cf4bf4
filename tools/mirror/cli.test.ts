/**
 * The mirror command as an e2e test and a teacher run it: a child process on a free loopback port that
 * prints its URL and summary, logs requests as JSON, applies faults given as options, and refuses bad
 * arguments with the usage text.
 *
 * Run: npx vitest run tools/mirror/cli.test.ts
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from './server.ts';
import { rawRequest, writeFakeModels, type FakeModels } from './testing/fixtures.ts';
import { requestLines, spawnMirror, startMirrorProcess, type MirrorProcess } from './testing/process.ts';

let fake: FakeModels;
beforeAll(() => {
  fake = writeFakeModels();
});
afterAll(() => rmSync(fake.outside, { recursive: true, force: true }));

const running: MirrorProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((run) => run.stop()));
});

async function runCli(args: readonly string[]): Promise<MirrorProcess> {
  const run = await startMirrorProcess(args);
  running.push(run);
  return run;
}

/** Runs the CLI to completion (for arguments it refuses). */
function runToExit(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawnMirror(args);
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolveExit) => child.on('exit', (code) => resolveExit({ code, stderr: err })));
}

describe('npm run mirror', () => {
  it('starts on --port 0, prints its URL and a summary of the models, serves them, and stops on SIGTERM', async () => {
    const run = await runCli([
      fake.root,
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--app',
      'http://127.0.0.1:4173/',
    ]);
    expect(run.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const out = run.stdout();
    expect(out).toMatch(/Models \(3, hashed in \d+\.\d s\):/);
    expect(out).toMatch(/acme\/plain-chat\s+1\.1 MB\s+6 files, plain layout/);
    expect(out).toMatch(/acme\/hub-embed\s+.*hub layout/);
    expect(out).toContain(`${run.url}  this laptop only`);
    expect(out).toContain(`http://127.0.0.1:4173/?host=${run.url}&model=acme/hub-embed`);

    const reply = await rawRequest(run.url, '/acme/hub-embed/resolve/main/config.json');
    expect(reply.status).toBe(200);
    expect(await run.stop()).toBe(0);
  });

  it('logs each request as a mirror-request JSON line with --log-json -, and cuts a file with --drop-once', async () => {
    const run = await runCli([
      fake.root,
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--log-json',
      '-',
      '--drop-once',
      'model.onnx:100',
    ]);
    expect(run.stdout()).toContain('Injected faults (tests only): --drop-once model.onnx:100');
    const target = '/acme/hub-embed/resolve/main/onnx/model.onnx';
    const first = await rawRequest(run.url, target);
    expect(first.cut).toBe(true);
    expect(first.body.length).toBe(100);
    const rest = await rawRequest(run.url, target, { headers: { Range: 'bytes=100-' } });
    expect(rest.status).toBe(206);
    expect(Buffer.concat([first.body, rest.body]).length).toBe(4000);
    await expect.poll(() => requestLines(run.stdout()).length).toBe(2);
    expect(requestLines(run.stdout())).toEqual([
      { method: 'GET', path: target, status: 200, fault: 'drop-once' },
      { method: 'GET', path: target, range: 'bytes=100-', status: 206 },
    ]);
  });

  it('writes the request log to a file with --log-json FILE and applies --corrupt', async () => {
    const logFile = join(fake.outside, 'requests.jsonl');
    const run = await runCli([
      fake.root,
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--log-json',
      logFile,
      '--corrupt',
      'acme/plain-chat/config.json:size',
    ]);
    const reply = await rawRequest(run.url, '/acme/plain-chat/resolve/main/config.json', {
      headers: { Range: 'bytes=0-' },
    });
    expect(reply.status).toBe(206);
    expect(reply.body.length).toBe(
      Math.floor((fake.files.get('acme/plain-chat/config.json')?.length ?? 0) / 2),
    );
    const lines = readFileSync(logFile, 'utf8').trim().split('\n');
    expect(lines.map((line) => JSON.parse(line) as RequestLogEntry)).toEqual([
      {
        method: 'GET',
        path: '/acme/plain-chat/resolve/main/config.json',
        range: 'bytes=0-',
        status: 206,
        fault: 'corrupt-size',
      },
    ]);
  });

  it('refuses bad arguments with the usage text, and a missing folder with a hint', async () => {
    const bad = await runToExit(['--port', 'eighty']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port expects 0-65535');
    expect(bad.stderr).toContain('usage: npm run mirror');
    const fault = await runToExit([fake.root, '--corrupt', 'config.json:half']);
    expect(fault.code).toBe(2);
    expect(fault.stderr).toContain('--corrupt expects');
    const missing = await runToExit([join(fake.outside, 'nowhere'), '--port', '0', '--host', '127.0.0.1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist.*npm run forge/s);
  });
});
