/**
 * `npm run classroom -- [models folder] [--port N] [--https]`: serves the app and the models from the
 * teacher's laptop to the class, and prints the address (with a QR code) for each network it is on.
 *
 * Machine-readable for tests: the first line reads `classroom: listening on <url>`.
 */
import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { renderANSI, renderUnicodeCompact } from 'uqr';
import { closeOnSignals } from '../mirror/listen.ts';
import { MirrorError } from '../mirror/server.ts';
import { formatModels } from '../mirror/summary.ts';
import { runCli } from '../runCli.ts';
import { classroomCertificate } from './certificate.ts';
import { startClassroom } from './server.ts';

const USAGE = `usage: npm run classroom -- [folder] [options]
  folder            holds <org>/<name>/ model folders, plain or in the forge's hub layout
                    (default: public/models, the demo models)
  --port N          port to listen on (default 8080)
  --https           serve over https with a self-signed certificate (made once, then kept): students
                    accept it once and get the full app (WebGPU, every core, offline)
  --host H          interface to listen on (default 0.0.0.0: every network of this laptop)
  --cert-dir DIR    where the certificate is kept (default .classroom)
  --dist DIR        the built app (default dist)`;

interface Args {
  models: string;
  port: number;
  host: string;
  https: boolean;
  certDir: string;
  dist: string;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    models: 'public/models',
    port: 8080,
    host: '0.0.0.0',
    https: false,
    certDir: '.classroom',
    dist: 'dist',
  };
  const positional: string[] = [];
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
      args.port = Number(text);
      if (!/^\d+$/.test(text) || args.port > 65535)
        throw new UsageError(`--port expects 0-65535, got "${text}".`);
    } else if (arg === '--https') args.https = true;
    else if (arg === '--host') args.host = value();
    else if (arg === '--cert-dir') args.certDir = value();
    else if (arg === '--dist') args.dist = value();
    else if (arg.startsWith('-')) throw new UsageError(`Unknown option ${arg}.`);
    else positional.push(arg);
  }
  if (positional.length > 1) throw new UsageError(`One folder only, got ${positional.join(', ')}.`);
  if (positional[0]) args.models = positional[0];
  return { ...args, models: resolve(args.models), certDir: resolve(args.certDir), dist: resolve(args.dist) };
}

/** A QR code the terminal shows in its own colours (a TTY), or in block characters (a log file). */
function qrCode(url: string): string {
  return process.stdout.isTTY ? renderANSI(url, { border: 2 }) : renderUnicodeCompact(url, { border: 2 });
}

async function main(argv: readonly string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message ? `${error.message}\n` : ''}${USAGE}\n`);
    return error.message === '' ? 0 : 2;
  }
  const addresses = Object.values(networkInterfaces())
    .flatMap((infos) => infos ?? [])
    .filter((info) => info.family === 'IPv4')
    .map((info) => info.address);
  const certificate = args.https ? await classroomCertificate(args.certDir, addresses) : null;
  let classroom;
  try {
    classroom = await startClassroom({
      dist: args.dist,
      models: args.models,
      port: args.port,
      host: args.host,
      ...(certificate ? { tls: certificate } : {}),
    });
  } catch (error) {
    if (
      !(error instanceof MirrorError) &&
      !(error instanceof Error && error.message.includes('npm run build'))
    )
      throw error;
    process.stderr.write(`classroom: ${error.message}\n`);
    return 1;
  }
  const lines = [
    `classroom: listening on ${classroom.url}`,
    `Glassbox classroom: the app and the models in ${args.models}, read-only`,
    '',
    ...formatModels(classroom.models),
    '',
  ];
  const shared = classroom.studentUrls.filter((entry) => entry.label !== 'this laptop only');
  if (shared.length === 0) {
    lines.push(
      'No network address: only this laptop can connect. Join the class network, or use --host 0.0.0.0.',
    );
  } else {
    lines.push('Students open this address (or scan the code) on the network they share with this laptop:');
    for (const entry of shared) lines.push('', `  ${entry.url}/   (${entry.label})`, qrCode(`${entry.url}/`));
  }
  const local = classroom.studentUrls.find((entry) => entry.label === 'this laptop only');
  if (local) lines.push('', `On this laptop: ${local.url}/`);
  lines.push(
    '',
    'In the app, the Students button shows the address and its code full screen, for the projector.',
    certificate
      ? `https with a self-signed certificate${certificate.made ? ' (new: students accept it once)' : ''}: students see a warning the first time; they choose Advanced, then Proceed. They then get the whole app: WebGPU, every core, offline.`
      : 'Plain http: students get the app on one core (WASM, no WebGPU), and no offline install; models are kept in their browser. For all of it, run with --https (students accept a certificate once).',
    '',
    'Press Ctrl+C to stop.',
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  closeOnSignals(classroom);
  return 0;
}

runCli('classroom', main);
