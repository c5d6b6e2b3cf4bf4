/**
 * The network ledger's vocabulary, shared by the service worker (which writes it), the pages (which show
 * it) and the host client (which must tell the offline switch's refusals from a failing host).
 *
 *   purposeOf(new URL('https://huggingface.co/org/m/resolve/main/config.json'), location.origin) // → 'model'
 */

/** Entries the ledger keeps (the newest), in the service worker and in each page. */
export const LEDGER_LIMIT = 2000;

/** Why a request was made, as the ledger groups it. */
export type RequestPurpose = 'app' | 'model' | 'other';

/** Where the answer came from: this device's cache, the network, or nowhere (refused or failed). */
export type RequestOutcome = 'device' | 'network' | 'refused' | 'failed';

export interface LedgerEntry {
  id: string;
  time: number;
  method: string;
  url: string;
  purpose: RequestPurpose;
  outcome: RequestOutcome;
  status: number | null;
  /** Bytes received (the response body as it streamed through), null until known. */
  bytesReceived: number | null;
  /** Bytes sent: the request body plus its URL. */
  bytesSent: number;
  /** `page`, `worker` or `service worker` (its own precache downloads). */
  initiator: string;
}

export function purposeOf(url: URL, appOrigin: string): RequestPurpose {
  if (/\/resolve\/[^/]+\/|\/api\/models\//.test(url.pathname)) return 'model';
  return url.origin === appOrigin ? 'app' : 'other';
}

/** Marks the service worker's refusals, so a caller can tell the offline switch from a failing host. */
export const REFUSED_HEADER = 'X-Glassbox-Refused';

export function refusedByOfflineSwitch(response: Response): boolean {
  return response.headers.get(REFUSED_HEADER) === 'offline-switch';
}

export function offlineRefusalMessage(url: string): string {
  return `${url} is not on this device and the offline switch is on: turn it off in the Network panel to download it.`;
}
