/**
 * Runs a Node command in the repository root and returns its stdout (its stderr goes to ours).
 *
 *   runNode(['--import', 'tsx', 'bench/native.ts'], JSON.stringify(job))
 */
import { execFileSync } from 'node:child_process';
import { ROOT } from './paths.ts';

export function runNode(args: string[], input?: string): string {
  return execFileSync(process.execPath, args, {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: input === undefined ? ['ignore', 'pipe', 'inherit'] : ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
}
