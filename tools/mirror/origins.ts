/**
 * Which web pages may read the mirror through a student's browser (CORS). Not every page: any site a
 * student visits could otherwise read the teacher's mirror, a private-network address, from inside the
 * school. Allowed: pages served from this machine (loopback, or any of its own addresses, on any port:
 * the teacher's app) and the app origins given with `--app` or `--allow-origin`.
 *
 *   const allowed = originPolicy(['http://glassbox.school.example'], os.networkInterfaces());
 *   allowed('http://192.168.1.20:4173') // → true when 192.168.1.20 is this machine
 *   allowed('https://some-site.example') // → false
 */
import type { NetworkInterfaceInfo } from 'node:os';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export type OriginPolicy = (origin: string) => boolean;

export function originPolicy(
  allowedOrigins: readonly string[],
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
): OriginPolicy {
  const origins = new Set(allowedOrigins.map((url) => new URL(url).origin));
  const ownHosts = new Set(
    Object.values(interfaces)
      .flatMap((infos) => infos ?? [])
      .map((info) => (info.family === 'IPv6' ? `[${info.address}]` : info.address)),
  );
  return (origin) => {
    if (origins.has(origin)) return true;
    if (!URL.canParse(origin)) return false;
    const { hostname, protocol } = new URL(origin);
    if (protocol !== 'http:' && protocol !== 'https:') return false;
    return LOOPBACK_HOSTS.has(hostname) || ownHosts.has(hostname);
  };
}
