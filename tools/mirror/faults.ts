/**
 * Faults an end-to-end test injects to prove the app survives a classroom network and notices bad
 * files: a connection cut mid-download (the client must resume with a Range request), a connection that
 * stalls mid-download and never sends more (the client must give up on it, or resume after a reload),
 * and a file whose bytes disagree with what the mirror advertises (the client must check size and sha256).
 *
 *   parseDropOnce('onnx/model.onnx:4096')  // → { path: 'onnx/model.onnx', afterBytes: 4096 }
 *   parseCorrupt('config.json:bytes')      // → { path: 'config.json', mode: 'bytes' }
 *   corruptedLength(1000, 'size')          // → 500 (served; the tree and X-Linked-Size still say 1000)
 */

export interface DropOnceFault {
  /** Matched against the end of the request path or of `<org>/<name>/<file>`, on a `/` boundary. */
  readonly path: string;
  /** Body bytes sent before the socket is destroyed, on the first GET of the file only. */
  readonly afterBytes: number;
}

/**
 * `size`: the file is served truncated to half its length, with an honest Content-Length, so only a
 * client comparing against the tree's `size` or `X-Linked-Size` notices. `bytes`: the right length with
 * one byte flipped in the middle, so only the sha256 check notices. Headers keep advertising the true
 * sha256 and size: that is the lie under test.
 */
export type CorruptMode = 'size' | 'bytes';
export const CORRUPT_MODES: readonly CorruptMode[] = Object.freeze(['size', 'bytes']);

export interface CorruptFault {
  readonly path: string;
  readonly mode: CorruptMode;
}

export interface Faults {
  readonly dropOnce?: DropOnceFault | undefined;
  /** The first GET of the file sends `afterBytes` bytes, then nothing more, on a connection kept open. */
  readonly stallOnce?: DropOnceFault | undefined;
  readonly corrupt?: CorruptFault | undefined;
}

/** How a request log entry names the fault applied to it. */
export type FaultName = 'drop-once' | 'stall-once' | 'corrupt-size' | 'corrupt-bytes';

export class FaultSyntaxError extends Error {
  readonly code = 'fault-syntax';
}

/** Splits `<path>:<value>` at the last colon (paths have none: the mirror refuses them). */
function splitSpec(option: string, spec: string): [string, string] {
  const at = spec.lastIndexOf(':');
  const path = at === -1 ? '' : spec.slice(0, at).replace(/^\/+/, '');
  if (path === '') throw new FaultSyntaxError(`${option} expects <path>:<value>, got "${spec}".`);
  return [path, spec.slice(at + 1)];
}

/** `--drop-once` and `--stall-once` take the same `<path>:<bytes>`. */
export function parseDropOnce(spec: string, option = '--drop-once'): DropOnceFault {
  const [path, value] = splitSpec(option, spec);
  if (!/^\d+$/.test(value)) {
    throw new FaultSyntaxError(`${option} expects <path>:<bytes> with a whole number, got "${spec}".`);
  }
  return { path, afterBytes: Number(value) };
}

export function parseCorrupt(spec: string): CorruptFault {
  const [path, value] = splitSpec('--corrupt', spec);
  const mode = CORRUPT_MODES.find((candidate) => candidate === value);
  if (!mode) throw new FaultSyntaxError(`--corrupt expects <path>:size or <path>:bytes, got "${spec}".`);
  return { path, mode };
}

/** Suffix match on whole segments, so `model.onnx` does not also catch `decoder_model.onnx`. */
export function faultMatches(pattern: string, candidates: readonly string[]): boolean {
  const wanted = pattern.replace(/^\/+/, '');
  return candidates.some((candidate) => candidate === wanted || candidate.endsWith(`/${wanted}`));
}

/** The length a corrupted file is served with. An empty file grows by one byte instead of shrinking. */
export function corruptedLength(size: number, mode: CorruptMode): number {
  if (mode === 'bytes') return size;
  return size === 0 ? 1 : Math.floor(size / 2);
}

/** The offset whose byte `bytes` mode flips (none in an empty file). */
export function flippedOffset(size: number): number {
  return Math.floor(size / 2);
}
