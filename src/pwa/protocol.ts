/** Messages between the pages and the service worker: the network ledger, the offline switch, model hosts. */
import type { LedgerEntry } from '../core/ledger.ts';

export type ToWorker =
  | { type: 'hello' }
  | { type: 'set-offline'; offline: boolean }
  /** The model hosts the Content Security Policy must allow (the mirror in use). */
  | { type: 'set-hosts'; hosts: string[] };

export type FromWorker =
  | { type: 'state'; entries: LedgerEntry[]; offline: boolean; hosts: string[] }
  | { type: 'entry'; entry: LedgerEntry };
