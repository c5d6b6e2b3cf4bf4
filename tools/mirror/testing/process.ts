/**
 * Runs the mirror command (`tools/mirror/cli.ts`, through tsx as `npm run mirror` does), or the
 * classroom's, as a child process for tests: waits for its "listening on" line and summary, and collects
 * its JSON request log. Used by the commands' own tests and by the e2e tests, which drive the real
 * commands a teacher runs.
 *
 *   const mirror = await startMirrorProcess(['public/models', '--port', '0', '--log-json', '-']);
 *   mirror.url; mirror.requests(); await mirror.stop();
 *   const classroom = await startServerProcess('classroom', ['public/models', '--port', '0']);
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestLogEntry } from '../server.ts';

const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
/** The commands that serve: each prints `<name>: listening on <url>` first and `Ctrl+C` last. */
export type ServerCommand = 'mirror' | 'classroom';
const START_TIMEOUT_MS = 20_000;

export interface MirrorProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  /** Everything printed to stdout so far. */
  stdout(): string;
  /** The `mirror-request` lines printed so far (with `--log-json -`). */
  requests(): RequestLogEntry[];
  /** SIGTERM, then resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function spawnMirror(
  args: readonly string[],
  command: ServerCommand = 'mirror',
): ChildProcessWithoutNullStreams {
  const cli = join(REPO_ROOT, 'tools', command, 'cli.ts');
  return spawn(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: REPO_ROOT });
}

export function requestLines(stdout: string): RequestLogEntry[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('mirror-request '))
    .map((line) => JSON.parse(line.slice('mirror-request '.length)) as RequestLogEntry);
}

export function startMirrorProcess(args: readonly string[]): Promise<MirrorProcess> {
  return startServerProcess('mirror', args);
}

export function startServerProcess(command: ServerCommand, args: readonly string[]): Promise<MirrorProcess> {
  const child = spawnMirror(args, command);
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const stop = () =>
    new Promise<number | null>((resolveExit) => {
      if (child.exitCode !== null) return resolveExit(child.exitCode);
      child.once('exit', resolveExit);
      child.kill('SIGTERM');
    });
  return new Promise((resolveRun, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`no "listening on" line in ${START_TIMEOUT_MS / 1000} s:\n${out}\n${err}`));
    }, START_TIMEOUT_MS);
    child.stdout.on('data', () => {
      const match = new RegExp(
        `^${command}: listening on (?:.*\\(on this laptop: )?(https?://[^\\s)]+)\\)?$`,
        'm',
      ).exec(out);
      // Wait for the whole summary, which ends with the Ctrl+C hint.
      if (match?.[1] && out.includes('Ctrl+C')) {
        clearTimeout(timer);
        resolveRun({ child, url: match[1], stdout: () => out, requests: () => requestLines(out), stop });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code}:\n${out}\n${err}`));
    });
  });
}

/** The mirror on a free loopback port, logging its requests as JSON for the test to read. */
export function startLoggingMirror(root: string, extraArgs: readonly string[] = []): Promise<MirrorProcess> {
  return startMirrorProcess([root, '--port', '0', '--host', '127.0.0.1', '--log-json', '-', ...extraArgs]);
}
