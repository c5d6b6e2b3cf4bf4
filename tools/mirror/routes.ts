/**
 * Which handler answers a request: CORS preflights, refused methods, the JSON routes, the file route,
 * and a 404 for any other path; an unexpected error becomes a JSON 500.
 *
 *   createServer(requestHandler(catalog, faults, (entry) => requests.push(entry)))
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerIndex, answerModelInfo, answerModelList, answerTree } from './apiRoutes.ts';
import type { Catalog, ModelRef } from './catalog.ts';
import { fail, openExchange, type Exchange, type RecordRequest } from './exchange.ts';
import type { Faults } from './faults.ts';
import { ALLOWED_METHODS, preflightHeaders } from './headers.ts';
import type { OriginPolicy } from './origins.ts';
import { splitRequestPath } from './paths.ts';
import { fileServer, type ServeFile } from './serveFile.ts';

export function requestHandler(
  catalog: Catalog,
  faults: Faults,
  record: RecordRequest,
  allowed: OriginPolicy,
): (req: IncomingMessage, res: ServerResponse) => void {
  const route = router(catalog, fileServer(catalog, faults));
  return (req, res) => {
    const exchange = openExchange(req, res, record, allowed);
    if (req.method === 'OPTIONS') {
      exchange.send(204, preflightHeaders(req.headers, allowed));
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      fail(
        exchange,
        405,
        'MethodNotAllowed',
        `Method ${req.method ?? ''} not allowed: this mirror only serves files (GET, HEAD).`,
        { Allow: ALLOWED_METHODS },
      );
      return;
    }
    route(exchange).catch((error: unknown) => {
      // Client gone mid-body (a student closed the tab) is routine; anything else is our bug.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      fail(
        exchange,
        500,
        'Internal',
        `Mirror error: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  };
}

/** The model `org/name`, or null after answering 404 when the mirror has no such model. */
async function requireModel(
  catalog: Catalog,
  exchange: Exchange,
  org: string,
  name: string,
): Promise<ModelRef | null> {
  const model = await catalog.findModel(org, name);
  if (!model) {
    fail(
      exchange,
      404,
      'RepoNotFound',
      `Repository not found: ${org}/${name} is not on this mirror (see /api/models for the list).`,
    );
  }
  return model;
}

function router(catalog: Catalog, serveFile: ServeFile): (exchange: Exchange) => Promise<void> {
  return async (exchange) => {
    const target = exchange.req.url ?? '/';
    const split = splitRequestPath(target);
    if (!split.ok) {
      fail(exchange, 400, 'BadRequest', `Refused path ${target}: ${split.reason}.`);
      return;
    }
    const { segments, query } = split;
    const [first, second, third, fourth, fifth, ...tail] = segments;

    if (segments.length === 0) return answerIndex(catalog, exchange);
    if (first === 'api' && second === 'models') {
      if (third === undefined) return answerModelList(catalog, exchange, query);
      if (fourth === undefined) {
        fail(exchange, 404, 'RepoNotFound', `Repository not found: "${third}" is not of the form org/name.`);
        return;
      }
      const model = await requireModel(catalog, exchange, third, fourth);
      if (!model) return;
      if (fifth === undefined || (fifth === 'revision' && tail.length === 1)) {
        return answerModelInfo(catalog, exchange, model, query);
      }
      if (fifth === 'tree' && tail.length >= 1) {
        return answerTree(catalog, exchange, model, tail.slice(1), query);
      }
    } else if (third === 'resolve' && first !== undefined && second !== undefined && fourth !== undefined) {
      // Any revision name serves the same files: the folder has exactly one version.
      const model = await requireModel(catalog, exchange, first, second);
      if (!model) return;
      return serveFile(exchange, model, segments.slice(4), segments.join('/'));
    }
    fail(
      exchange,
      404,
      'EntryNotFound',
      `Not found: ${target}. Files live at /<org>/<name>/resolve/main/<file>.`,
    );
  };
}
