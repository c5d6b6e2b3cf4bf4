/**
 * The classroom server: the built app and the models on one origin, so a student's browser reads the
 * models from the page's own address (no CORS, no policy to widen) and nothing comes from the internet.
 *
 *   /models/<org>/<name>/resolve/main/<file>, /models/api/…   the mirror (tools/mirror) over the folder
 *   everything else                                           the app (appFiles.ts)
 *
 * The app's demo models (`dist/models`) are served too when the folder does not hold them.
 *
 *   const classroom = await startClassroom({ dist: 'dist', models: 'public/models', port: 0, host: '127.0.0.1' });
 *   classroom.url; // → 'http://127.0.0.1:41234'
 */
import { existsSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import type { ModelSummary } from '../mirror/catalog.ts';
import { listen } from '../mirror/listen.ts';
import { splitRequestPath } from '../mirror/paths.ts';
import { MirrorError, mirrorHandler, type MirrorHandler, type RequestLogEntry } from '../mirror/server.ts';
import { studentUrls, type StudentUrl } from '../mirror/summary.ts';
import { appFiles, appHeaders } from './appFiles.ts';

const MODELS_PREFIX = '/models';

export interface ClassroomOptions {
  /** The built app. */
  readonly dist: string;
  /** Folder of `<org>/<name>/` model folders, plain or in the forge's hub layout. */
  readonly models: string;
  readonly port: number;
  /** Interface to listen on: every one (0.0.0.0) for a class. */
  readonly host: string;
  /** A certificate for https; plain http without one. */
  readonly tls?: { readonly key: string; readonly cert: string };
  readonly onRequest?: (entry: RequestLogEntry, remoteAddress: string) => void;
}

export interface ClassroomServer {
  /** This laptop's URL of the app (loopback when listening on every interface). */
  readonly url: string;
  readonly port: number;
  /** The app's address on each network of the laptop, then localhost. */
  readonly studentUrls: readonly StudentUrl[];
  readonly models: readonly ModelSummary[];
  close(): Promise<void>;
}

/** Which of the mirrors holds the model a `/models/…` path names (the API's paths name it later). */
async function mirrorFor(path: string, mirrors: readonly MirrorHandler[]): Promise<MirrorHandler | null> {
  const split = splitRequestPath(path);
  if (!split.ok) return mirrors[0] ?? null;
  const [first, second, third, fourth] = split.segments;
  const [org, name] = first === 'api' ? [third, fourth] : [first, second];
  if (org === undefined || name === undefined) return mirrors[0] ?? null;
  for (const mirror of mirrors) if (await mirror.catalog.findModel(org, name)) return mirror;
  return mirrors[0] ?? null;
}

export async function startClassroom(options: ClassroomOptions): Promise<ClassroomServer> {
  const dist = resolve(options.dist);
  if (!existsSync(join(dist, 'index.html'))) {
    throw new MirrorError(
      'root-missing',
      `${dist} holds no built app: run npm run build first (npm run classroom does).`,
    );
  }
  const mirrors = [await mirrorHandler({ root: options.models, onRequest: options.onRequest })];
  const demo = join(dist, 'models');
  if (existsSync(demo) && resolve(options.models) !== demo) {
    mirrors.push(await mirrorHandler({ root: demo, onRequest: options.onRequest }));
  }
  const models = [...new Map(mirrors.flatMap((m) => m.models).map((model) => [model.id, model])).values()];

  const scheme = options.tls ? 'https' : 'http';
  // The port is known once listening: the page's announcement is built then, before the first request.
  let answerApp: ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>) | null = null;
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = req.url ?? '/';
    if (path === MODELS_PREFIX || path.startsWith(`${MODELS_PREFIX}/`)) {
      req.url = path.slice(MODELS_PREFIX.length) || '/';
      void mirrorFor(req.url, mirrors).then((mirror) => mirror?.handle(req, res));
      return;
    }
    const refuse = (status: number, text: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, {
        ...appHeaders(req, scheme === 'https'),
        'Content-Type': 'text/plain; charset=utf-8',
        ...extra,
      });
      res.end(text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      refuse(405, 'This server only serves the app and its models (GET, HEAD).', { Allow: 'GET, HEAD' });
      return;
    }
    (answerApp?.(req, res) ?? Promise.resolve(false)).then(
      (answered) => answered || refuse(404, `Not found: ${path}`),
      (error: unknown) => (res.headersSent ? res.destroy() : refuse(500, String(error))),
    );
  };
  const server = options.tls ? createHttpsServer(options.tls, handle) : createHttpServer(handle);
  const listening = await listen(server, options.port, options.host, scheme);
  const urls = studentUrls(options.host, listening.port, networkInterfaces(), scheme);
  const shared = urls.filter((entry) => entry.label !== 'this laptop only');
  answerApp = await appFiles(
    dist,
    {
      studentUrls: (shared.length > 0 ? shared : urls).map((entry) => `${entry.url}/`),
      models: models.map((model) => model.id),
    },
    scheme === 'https',
  );
  return { url: listening.url, port: listening.port, studentUrls: urls, models, close: listening.close };
}
