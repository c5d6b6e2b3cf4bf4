/**
 * Starts the project's own mirror command (`tools/mirror/cli.ts`) as a child process for a test, and
 * collects its request log: the e2e tests drive the real command a teacher would run.
 *
 *   const mirror = await startMirrorCommand('public/models', ['--drop-once', 'onnx/model.onnx:100000']);
 *   mirror.url; mirror.requests; await mirror.stop();
 */
import { spawn } from 'node:child_process';

export interface MirrorRequest {
  method: string;
  path: string;
  range?: string;
  status: number;
  fault?: string;
}

export interface MirrorProcess {
  url: string;
  requests: MirrorRequest[];
  stop(): Promise<void>;
}

export function startMirrorCommand(root: string, options: string[] = []): Promise<MirrorProcess> {
  const child = spawn(
    'npx',
    ['tsx', 'tools/mirror/cli.ts', root, '--port', '0', '--host', '127.0.0.1', '--log-json', '-', ...options],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const requests: MirrorRequest[] = [];
  return new Promise((resolve, reject) => {
    let buffered = '';
    let url = '';
    child.on('exit', (code) => {
      if (!url) reject(new Error(`the mirror exited with code ${code} before listening`));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('mirror-request ')) requests.push(JSON.parse(line.slice(15)) as MirrorRequest);
        const listening = /^mirror: listening on (\S+)/.exec(line);
        if (listening?.[1]) {
          url = listening[1];
          resolve({
            url,
            requests,
            stop: () =>
              new Promise<void>((done) => {
                child.once('exit', () => done());
                child.kill('SIGTERM');
              }),
          });
        }
      }
    });
  });
}
