/**
 * Why the mirror could not start, as a code the CLI and tests tell apart and a message saying what to do.
 *
 *   new MirrorError('port-in-use', 'Port 8080 on 0.0.0.0 is already in use: pass another with --port.')
 */

export type MirrorErrorCode = 'root-missing' | 'port-in-use' | 'listen-failed';

export class MirrorError extends Error {
  readonly code: MirrorErrorCode;
  constructor(code: MirrorErrorCode, message: string) {
    super(message);
    this.name = 'MirrorError';
    this.code = code;
  }
}
