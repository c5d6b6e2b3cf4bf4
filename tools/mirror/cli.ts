/**
 * The mirror's command line: serves a folder of Hugging Face-format models to a classroom over the LAN
 * and prints the URLs to hand out.
 *
 *   npm run mirror -- <folder> [--port 8080] [--host 0.0.0.0] [--app URL] [--verbose]
 *   test options: --drop-once <path>:<bytes>  --corrupt <path>:<size|bytes>  --log-json <file|->
 *
 * @example
 *   $ npm run mirror -- public/models --app http://192.168.1.20:4173/
 *   mirror: listening on every network interface, port 8080 (on this laptop: http://127.0.0.1:8080)
 *   Glassbox mirror: serving /home/teacher/glassbox/public/models (read-only: GET and HEAD, no uploads)
 *
 *   Models (2, hashed in 0.0 s):
 *     glassbox/tiny-chat    1.0 MB  9 files, hub layout
 *     glassbox/tiny-embed   1.7 MB  8 files, hub layout
 *
 *   Mirror URL for students (the app's host):
 *     http://192.168.1.20:8080  wlan0
 *     http://localhost:8080     this laptop only
 *
 *   App links:
 *     http://192.168.1.20:4173/?host=http://192.168.1.20:8080&model=glassbox/tiny-chat
 *     …
 *
 * Machine-readable output for tests: the first line always reads `mirror: listening on <url>` (a
 * loopback URL when listening on all interfaces); `--log-json -` prints one line per request,
 * `mirror-request {"method":"GET","path":"/…","range":"bytes=0-","status":206}`, and `--log-json FILE`
 * writes the same JSON (without the prefix) to FILE, one object a line, emptied at start.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { runCli } from '../runCli.ts';
import { FaultSyntaxError, parseCorrupt, parseDropOnce, type Faults } from './faults.ts';
import { closeOnSignals, isWildcardHost } from './listen.ts';
import { MirrorError, startMirror, type RequestLogEntry } from './server.ts';
import { formatSummary, studentUrls } from './summary.ts';

const USAGE = `usage: npm run mirror -- [folder] [options]
  folder               holds <org>/<name>/ model folders, plain or in the forge's hub layout
                       (default: public/models)
  --port N             port to listen on (default 8080; 0 picks a free one)
  --host H             interface address to listen on (default 0.0.0.0: every interface, for a classroom;
                       127.0.0.1 keeps it to this laptop)
  --app URL            also print app links: URL?host=<mirror>&model=<org/name>; the app at URL may read
                       the mirror
  --allow-origin URL   another app origin that may read the mirror (repeatable); pages served from
                       this machine always may, other web pages may not
  --verbose            print one line per request
  --log-json FILE|-    write each request as JSON to FILE, or to stdout prefixed "mirror-request "
  --drop-once P:N      (tests) cut the first GET of file P after N bytes
  --stall-once P:N     (tests) send the first N bytes of the first GET of file P, then nothing more
  --corrupt P:MODE     (tests) serve file P truncated (MODE size) or with a flipped byte (MODE bytes)`;

class UsageError extends Error {
  readonly code = 'usage';
}

interface Args {
  readonly root: string;
  readonly port: number;
  readonly host: string;
  readonly app?: string;
  /** App origins that may read the mirror, besides pages served from this machine. */
  readonly allowedOrigins: readonly string[];
  readonly verbose: boolean;
  readonly logJson?: string;
  readonly faults: Faults;
  readonly faultLabels: readonly string[];
}

function parseArgs(argv: readonly string[]): Args {
  const positional: string[] = [];
  let port = 8080;
  let host = '0.0.0.0';
  let app: string | undefined;
  const allowedOrigins: string[] = [];
  let verbose = false;
  let logJson: string | undefined;
  let faults: Faults = {};
  const faultLabels: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value.`);
      return next;
    };
    if (arg === '--help' || arg === '-h') throw new UsageError('');
    else if (arg === '--port') {
      const text = value();
      port = Number(text);
      if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`--port expects 0-65535, got "${text}".`);
    } else if (arg === '--host') host = value();
    else if (arg === '--app') {
      app = value();
      if (!URL.canParse(app))
        throw new UsageError(`--app expects a URL such as http://192.168.1.20:4173/, got "${app}".`);
    } else if (arg === '--allow-origin') {
      const origin = value();
      if (!/^https?:\/\//.test(origin) || !URL.canParse(origin))
        throw new UsageError(
          `--allow-origin expects a URL such as https://glassbox.example, got "${origin}".`,
        );
      allowedOrigins.push(origin);
    } else if (arg === '--verbose') verbose = true;
    else if (arg === '--log-json') logJson = value();
    else if (arg === '--drop-once') {
      const spec = value();
      faults = { ...faults, dropOnce: parseDropOnce(spec) };
      faultLabels.push(`--drop-once ${spec}`);
    } else if (arg === '--stall-once') {
      const spec = value();
      faults = { ...faults, stallOnce: parseDropOnce(spec, '--stall-once') };
      faultLabels.push(`--stall-once ${spec}`);
    } else if (arg === '--corrupt') {
      const spec = value();
      faults = { ...faults, corrupt: parseCorrupt(spec) };
      faultLabels.push(`--corrupt ${spec}`);
    } else if (arg.startsWith('-')) throw new UsageError(`Unknown option ${arg}.`);
    else positional.push(arg);
  }
  if (positional.length > 1) throw new UsageError(`One folder only, got ${positional.join(', ')}.`);
  return {
    root: resolve(process.cwd(), positional[0] ?? 'public/models'), // relative to where the command runs
    port,
    host,
    ...(app !== undefined ? { app } : {}),
    allowedOrigins: app !== undefined ? [app, ...allowedOrigins] : allowedOrigins,
    verbose,
    ...(logJson !== undefined ? { logJson } : {}),
    faults,
    faultLabels,
  };
}

/** One sink per requested log: the human line, the prefixed JSON line on stdout, or the JSON file. */
function requestLogger(args: Args): (entry: RequestLogEntry, remote: string) => void {
  const sinks: ((entry: RequestLogEntry, remote: string) => void)[] = [];
  if (args.verbose) {
    sinks.push((entry, remote) => {
      const range = entry.range ? ` ${entry.range}` : '';
      const fault = entry.fault ? ` [${entry.fault}]` : '';
      process.stdout.write(`${entry.method} ${entry.status} ${entry.path}${range} from ${remote}${fault}\n`);
    });
  }
  if (args.logJson === '-') {
    sinks.push((entry) => process.stdout.write(`mirror-request ${JSON.stringify(entry)}\n`));
  } else if (args.logJson !== undefined) {
    const file = resolve(process.cwd(), args.logJson);
    writeFileSync(file, '');
    // Synchronous appends: a test may read the file right after its request completes.
    sinks.push((entry) => appendFileSync(file, `${JSON.stringify(entry)}\n`));
  }
  return (entry, remote) => sinks.forEach((sink) => sink(entry, remote));
}

async function main(argv: readonly string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    const usage = error instanceof UsageError || error instanceof FaultSyntaxError;
    if (!usage) throw error;
    process.stderr.write(`${error.message ? `${error.message}\n` : ''}${USAGE}\n`);
    return error.message === '' ? 0 : 2;
  }
  const started = performance.now();
  let mirror;
  try {
    mirror = await startMirror({
      root: args.root,
      port: args.port,
      host: args.host,
      faults: args.faults,
      allowedOrigins: args.allowedOrigins,
      onRequest: requestLogger(args),
    });
  } catch (error) {
    if (!(error instanceof MirrorError)) throw error;
    process.stderr.write(`mirror: ${error.message}\n`);
    return 1;
  }
  // The truth about where it listens: every interface, or one address; then the URL for this laptop.
  process.stdout.write(
    isWildcardHost(args.host)
      ? `mirror: listening on every network interface, port ${mirror.port} (on this laptop: ${mirror.url})\n`
      : `mirror: listening on ${mirror.url}\n`,
  );
  process.stdout.write(
    `${formatSummary({
      root: args.root,
      models: mirror.models,
      urls: studentUrls(args.host, mirror.port, networkInterfaces()),
      app: args.app,
      faults: args.faultLabels,
      hashSeconds: (performance.now() - started) / 1000,
    })}\n`,
  );

  closeOnSignals(mirror);
  return 0;
}

runCli('mirror', main);
