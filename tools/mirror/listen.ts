/**
 * The HTTP server's lifecycle: listening, with errors a teacher can act on, the URL to reach it, and a
 * close that does not wait for idle keep-alive connections.
 *
 *   const listening = await listen(createServer(handler), 0, '0.0.0.0');
 *   listening.url;  // → 'http://127.0.0.1:41234' (a wildcard address is not one to connect to)
 *   await listening.close();
 */
import type { Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { MirrorError } from './startupError.ts';

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/** True for a host that means "every interface": one can listen on it but not connect to it. */
export function isWildcardHost(host: string): boolean {
  return WILDCARD_HOSTS.has(host);
}

/** `http://<host>:<port>` (or https), with an IPv6 address in brackets. */
export function httpUrl(host: string, port: number, scheme: 'http' | 'https' = 'http'): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export interface Listening {
  /** Base URL a client on this machine connects to (loopback for wildcard hosts). */
  readonly url: string;
  /** The port actually bound (the one the OS picked when asked for 0). */
  readonly port: number;
  close(): Promise<void>;
}

export async function listen(
  server: Server | HttpsServer,
  port: number,
  host: string,
  scheme: 'http' | 'https' = 'http',
): Promise<Listening> {
  await new Promise<void>((resolveListen, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(
        error.code === 'EADDRINUSE'
          ? new MirrorError(
              'port-in-use',
              `Port ${port} on ${host} is already in use: pass another with --port.`,
            )
          : new MirrorError('listen-failed', `Cannot listen on ${host}:${port}: ${error.message}`),
      );
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolveListen();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: httpUrl(isWildcardHost(host) ? '127.0.0.1' : host, bound, scheme),
    port: bound,
    close: async () => {
      const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
      server.closeAllConnections(); // keep-alive sockets of finished downloads would hold close() open
      await closed;
    },
  };
}

/** Closes `listening` on Ctrl+C or SIGTERM, then exits: 0 when it closed cleanly. */
export function closeOnSignals(listening: { close(): Promise<void> }): void {
  const stop = (): void => {
    listening.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
