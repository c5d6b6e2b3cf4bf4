/**
 * The network ledger as the pages see it: every request the service worker answered (for the page, its
 * workers and itself), the offline switch, and what was sent since the first model was ready.
 *
 *   const { requests, bytesSent } = sinceModelReady(useLedgerStore.getState());
 */
import { create } from 'zustand';
import { LEDGER_LIMIT, type LedgerEntry } from '../core/ledger.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

interface LedgerState {
  entries: LedgerEntry[];
  offline: boolean;
  /** Model hosts the service worker allows in the Content Security Policy. */
  hosts: string[];
  /** A service worker controls this page: every request passes through it and is listed. */
  controlled: boolean;
  /** When the first model finished loading; null before. */
  modelReadyAt: number | null;
  receive(message: FromWorker): void;
  setOffline(offline: boolean): void;
  markModelReady(): void;
}

export function postToServiceWorker(message: ToWorker): boolean {
  const controller = typeof navigator !== 'undefined' ? navigator.serviceWorker?.controller : null;
  controller?.postMessage(message);
  return Boolean(controller);
}

export const useLedgerStore = create<LedgerState>()((set, get) => ({
  entries: [],
  offline: false,
  hosts: [],
  controlled: false,
  modelReadyAt: null,

  receive(message) {
    if (message.type === 'state') {
      set({ entries: message.entries, offline: message.offline, hosts: message.hosts, controlled: true });
      return;
    }
    const entries = get().entries;
    const index = entries.findIndex((entry) => entry.id === message.entry.id);
    set({
      entries:
        index >= 0
          ? entries.map((entry, i) => (i === index ? message.entry : entry))
          : [...entries, message.entry].slice(-LEDGER_LIMIT),
    });
  },

  setOffline(offline) {
    if (postToServiceWorker({ type: 'set-offline', offline })) set({ offline });
  },

  markModelReady() {
    if (get().modelReadyAt === null) set({ modelReadyAt: Date.now() });
  },
}));

/** Requests that went to the network, and bytes sent, after the first model was ready. */
export function sinceModelReady(state: Pick<LedgerState, 'entries' | 'modelReadyAt'>): {
  requests: number;
  bytesSent: number;
} {
  if (state.modelReadyAt === null) return { requests: 0, bytesSent: 0 };
  const after = state.entries.filter(
    (entry) => entry.time >= (state.modelReadyAt ?? 0) && entry.outcome === 'network',
  );
  return { requests: after.length, bytesSent: after.reduce((sum, entry) => sum + entry.bytesSent, 0) };
}
