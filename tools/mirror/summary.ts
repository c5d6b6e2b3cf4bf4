/**
 * The one-screen summary the teacher sees at start: models with sizes, the URLs students can reach,
 * and (with `--app`) ready-made app links. Pure: interfaces are passed in, so tests need no network.
 *
 *   studentUrls('0.0.0.0', 8080, os.networkInterfaces())
 *   // → [{ url: 'http://192.168.1.20:8080', label: 'wlan0' }, { url: 'http://localhost:8080', label: 'this laptop only' }]
 *   appLink('http://localhost:4173/', 'http://192.168.1.20:8080', 'glassbox/tiny-chat')
 *   // → 'http://localhost:4173/?host=http://192.168.1.20:8080&model=glassbox/tiny-chat'
 */
import type { NetworkInterfaceInfo } from 'node:os';
import { readableQueryValue } from '../../src/core/hosts.ts';
import type { ModelSummary } from './catalog.ts';
import { httpUrl, isWildcardHost } from './listen.ts';

export interface StudentUrl {
  readonly url: string;
  /** The interface name, or why the address is special. */
  readonly label: string;
}

const LOOPBACKS = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * Base URLs to hand out: on a wildcard host every external IPv4 address (a laptop may have Wi-Fi,
 * Ethernet and a VM bridge; the teacher knows which one the room shares) plus localhost; on a specific
 * address just that one.
 */
export function studentUrls(
  host: string,
  port: number,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
  scheme: 'http' | 'https' = 'http',
): StudentUrl[] {
  if (!isWildcardHost(host)) {
    return [
      { url: httpUrl(host, port, scheme), label: LOOPBACKS.has(host) ? 'this laptop only' : 'as asked' },
    ];
  }
  const urls: StudentUrl[] = [];
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      if (info.family === 'IPv4' && !info.internal)
        urls.push({ url: httpUrl(info.address, port, scheme), label: name });
    }
  }
  urls.push({ url: httpUrl('localhost', port, scheme), label: 'this laptop only' });
  return urls;
}

/**
 * The app's deep link `?host=<mirror>&model=<org/name>`. `:` and `/` are legal in a query, so they stay
 * readable for a teacher copying the link onto a board; the app reads it with URLSearchParams either way.
 */
export function appLink(app: string, mirrorUrl: string, modelId: string): string {
  const url = new URL(app);
  const extra = `host=${readableQueryValue(mirrorUrl)}&model=${readableQueryValue(modelId)}`;
  const search = url.search.length > 1 ? `${url.search}&${extra}` : `?${extra}`;
  return `${url.origin}${url.pathname}${search}${url.hash}`;
}

/** Decimal units, as file managers and the forge print them. */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export interface SummaryInput {
  readonly root: string;
  readonly models: readonly ModelSummary[];
  readonly urls: readonly StudentUrl[];
  readonly app?: string | undefined;
  readonly faults: readonly string[];
  /** How long the start-up hashing took, shown so a teacher knows why a big folder starts slowly. */
  readonly hashSeconds?: number | undefined;
}

/** The models found, a line each with size and file count, and warnings a teacher can act on. */
export function formatModels(models: readonly ModelSummary[], hashSeconds?: number): string[] {
  const lines: string[] = [];
  if (models.length === 0) {
    lines.push(
      'No models found. Expected <folder>/<org>/<name>/config.json (a model folder)',
      "or <folder>/<org>/<name>/resolve/main/ (the forge's layout, e.g. public/models after npm run forge).",
    );
  } else {
    const hashed = hashSeconds === undefined ? '' : `, hashed in ${hashSeconds.toFixed(1)} s`;
    lines.push(`Models (${models.length}${hashed}):`);
    const width = Math.max(...models.map((model) => model.id.length));
    for (const model of models) {
      const files = `${model.fileCount} file${model.fileCount === 1 ? '' : 's'}`;
      lines.push(
        `  ${model.id.padEnd(width)}  ${formatSize(model.totalSize).padStart(8)}  ${files}, ${model.layout} layout`,
      );
      if (!model.hasConfig) lines.push(`    warning: no config.json; the app cannot load this model.`);
      if (model.lfsPointers.length > 0) {
        lines.push(
          `    warning: ${model.lfsPointers.join(', ')} ${model.lfsPointers.length === 1 ? 'is a Git LFS pointer' : 'are Git LFS pointers'}, not weights: run git lfs pull in that folder.`,
        );
      }
    }
  }
  return lines;
}

export function formatSummary({ root, models, urls, app, faults, hashSeconds }: SummaryInput): string {
  const lines: string[] = [`Glassbox mirror: serving ${root} (read-only: GET and HEAD, no uploads)`, ''];
  lines.push(...formatModels(models, hashSeconds));
  lines.push('', "Mirror URL for students (the app's host):");
  const width = Math.max(...urls.map((entry) => entry.url.length));
  for (const entry of urls) lines.push(`  ${entry.url.padEnd(width)}  ${entry.label}`);
  if (urls.every((entry) => entry.label === 'this laptop only')) {
    lines.push('  (only this laptop can connect; use --host 0.0.0.0 to serve the classroom)');
  }
  if (app !== undefined && models.length > 0) {
    lines.push('', 'App links:');
    const shared = urls.filter((entry) => entry.label !== 'this laptop only');
    const bases = shared.length > 0 ? shared : urls;
    for (const model of models) {
      for (const base of bases) lines.push(`  ${appLink(app, base.url, model.id)}`);
    }
  }
  if (faults.length > 0) lines.push('', `Injected faults (tests only): ${faults.join('; ')}`);
  lines.push('', 'Press Ctrl+C to stop.');
  return lines.join('\n');
}
