/**
 * Serves the built app (vite preview, with the COOP/COEP headers cross-origin isolation needs) and the forged
 * models from the mirror, which stands for the network.
 *
 *   const servers = await startServers(); … servers.appUrl, servers.mirrorUrl …; await servers.stop();
 */
import { preview } from 'vite';
import { startMirrorProcess } from '../tools/mirror/testing/process.ts';
import { MODELS, ROOT } from './paths.ts';

export interface Servers {
  /** The app's origin, without a trailing slash. */
  appUrl: string;
  mirrorUrl: string;
  stop(): Promise<void>;
}

export async function startServers(): Promise<Servers> {
  const server = await preview({ root: ROOT, logLevel: 'warn', preview: { port: 4180, host: 'localhost' } });
  const appUrl = (server.resolvedUrls?.local[0] ?? 'http://localhost:4180/').replace(/\/$/, '');
  const mirror = await startMirrorProcess([MODELS, '--port', '0', '--host', '127.0.0.1']);
  return {
    appUrl,
    mirrorUrl: mirror.url,
    async stop() {
      await mirror.stop();
      await new Promise<void>((done) => server.httpServer.close(() => done()));
    },
  };
}
