/// <reference lib="webworker" />
/**
 * Glassbox's service worker. It
 * - precaches the app shell and the onnxruntime-web wasm (Workbox), so the app starts with no network;
 *   models stay in the app's own OPFS store (src/hub/modelStore.ts), never a second copy here;
 * - adds cross-origin isolation and the Content Security Policy to the app's responses, so WASM threads
 *   work on static hosts that send no headers (GitHub Pages);
 * - writes every request of the pages and their workers (and its own precache downloads) into the
 *   network ledger it shares with the pages;
 * - refuses, while the offline switch is on, every request the device cannot answer itself.
 */
import { openDB } from 'idb';
import { addPlugins, cleanupOutdatedCaches, getCacheKeyForURL, precache } from 'workbox-precaching';
import {
  LEDGER_LIMIT,
  REFUSED_HEADER,
  offlineRefusalMessage,
  purposeOf,
  type LedgerEntry,
} from '../core/ledger.ts';
import { isOtherBuildsFile, runtimeBuildFor } from '../core/runtimeBuild.ts';
import { ISOLATION_HEADERS, contentSecurityPolicy, originOf } from './policy.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: { url: string; revision: string | null }[] };

const ledger: LedgerEntry[] = [];
let offline = false;
let hosts: string[] = [];

const settings = openDB('glassbox-pwa', 1, {
  upgrade(database) {
    database.createObjectStore('settings');
  },
});
const restored = settings.then(async (database) => {
  offline = ((await database.get('settings', 'offline')) as boolean | undefined) ?? false;
  hosts = ((await database.get('settings', 'hosts')) as string[] | undefined) ?? [];
});

async function broadcast(message: FromWorker): Promise<void> {
  for (const client of await self.clients.matchAll({ includeUncontrolled: true, type: 'window' })) {
    client.postMessage(message);
  }
}

function record(entry: LedgerEntry): void {
  const index = ledger.findIndex((existing) => existing.id === entry.id);
  if (index >= 0) ledger[index] = entry;
  else {
    ledger.push(entry);
    if (ledger.length > LEDGER_LIMIT) ledger.shift();
  }
  void broadcast({ type: 'entry', entry });
}

let counter = 0;
function newEntry(request: Request, initiator: string, bytesSent: number): LedgerEntry {
  const url = new URL(request.url);
  return {
    id: `${Date.now().toString(36)}-${(counter++).toString(36)}`,
    time: Date.now(),
    method: request.method,
    url: request.url,
    purpose: purposeOf(url, self.location.origin),
    outcome: 'network',
    status: null,
    bytesReceived: null,
    bytesSent,
    initiator,
  };
}

/** The body streams through unchanged; its size goes into the ledger when it ends. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function counted(response: Response, entry: LedgerEntry): Response {
  if (!response.body || NULL_BODY_STATUSES.has(response.status)) {
    record({ ...entry, bytesReceived: 0 });
    return response;
  }
  let bytes = 0;
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
      flush() {
        record({ ...entry, bytesReceived: bytes });
      },
    }),
  );
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** The app's own responses get isolation headers, and documents and worker scripts the CSP. */
function withPolicy(response: Response, request: Request): Response {
  if ((response.type !== 'basic' && response.type !== 'default') || NULL_BODY_STATUSES.has(response.status)) {
    return response;
  }
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  if (request.mode === 'navigate' || request.destination === 'worker' || request.destination === 'document') {
    headers.set('Content-Security-Policy', contentSecurityPolicy(hosts));
  }
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function initiatorOf(event: FetchEvent): Promise<string> {
  if (event.request.mode === 'navigate') return 'page';
  const client = event.clientId ? await self.clients.get(event.clientId) : undefined;
  return client?.type === 'worker' ? 'worker' : 'page';
}

async function sentBytes(request: Request): Promise<number> {
  const length = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(length)) return length + request.url.length;
  const body =
    request.method === 'GET' || request.method === 'HEAD'
      ? 0
      : (await request.clone().arrayBuffer()).byteLength;
  return body + request.url.length;
}

async function respond(event: FetchEvent): Promise<Response> {
  await restored;
  const { request } = event;
  const entry = newEntry(request, await initiatorOf(event), await sentBytes(request));
  const url = new URL(request.url);
  const precached =
    url.origin === self.location.origin
      ? getCacheKeyForURL(
          request.mode === 'navigate' && url.pathname.endsWith('/')
            ? `${url.pathname}index.html`
            : url.pathname,
        )
      : undefined;
  const cached = precached ? await caches.match(precached) : undefined;
  if (cached) {
    record({ ...entry, outcome: 'device', status: cached.status, bytesSent: 0 });
    return withPolicy(cached, request);
  }
  if (offline) {
    record({ ...entry, outcome: 'refused', bytesSent: 0 });
    return new Response(offlineRefusalMessage(request.url), {
      status: 503,
      statusText: 'Offline switch is on',
      headers: { 'Content-Type': 'text/plain', [REFUSED_HEADER]: 'offline-switch' },
    });
  }
  try {
    const response = await fetch(request);
    const answered = { ...entry, status: response.status };
    record(answered);
    return withPolicy(counted(response, answered), request);
  } catch (error) {
    record({ ...entry, outcome: 'failed' });
    throw error;
  }
}

self.addEventListener('fetch', (event) => event.respondWith(respond(event)));

// The precache downloads are the service worker's own requests: they go into the ledger too.
addPlugins([
  {
    fetchDidSucceed: async ({ request, response }) => {
      record({
        ...newEntry(request, 'service worker', request.url.length),
        status: response.status,
        bytesReceived: Number(response.headers.get('content-length') ?? 0),
      });
      return response;
    },
  },
]);
// ONNX Runtime's WebAssembly comes in two builds (core/runtimeBuild.ts): only the one this browser runs.
const runtimeBuild = runtimeBuildFor(WebAssembly);
precache(
  self.__WB_MANIFEST.filter(
    (entry) => !isOtherBuildsFile(typeof entry === 'string' ? entry : entry.url, runtimeBuild),
  ),
);
cleanupOutdatedCaches();

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const message = event.data as ToWorker | { type: 'SKIP_WAITING' };
  // A new version waits until the reader accepts it (the page's update prompt asks with SKIP_WAITING).
  if (message.type === 'SKIP_WAITING') {
    event.waitUntil(self.skipWaiting());
    return;
  }
  event.waitUntil(
    (async () => {
      await restored;
      const database = await settings;
      if (message.type === 'set-offline') {
        offline = message.offline;
        await database.put('settings', offline, 'offline');
      } else if (message.type === 'set-hosts') {
        hosts = message.hosts.map(originOf).filter((origin): origin is string => origin !== null);
        await database.put('settings', hosts, 'hosts');
      }
      // Every message is answered with the whole state, so a page starts from what the worker knows.
      (event.source as Client | null)?.postMessage({
        type: 'state',
        entries: ledger,
        offline,
        hosts,
      } satisfies FromWorker);
    })(),
  );
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
