/**
 * Starts the service worker and wires it to the app: ledger messages, the update prompt, the install
 * prompt, and the model hosts its Content Security Policy must allow.
 *
 * On the very first visit, once the worker takes control, a page that is not cross-origin isolated (a
 * static host without COOP/COEP headers) needs one reload to get them from it: `reloadPending` says so,
 * and the app reloads when nothing is in progress (a download, a reply). A page the server isolated
 * already needs none.
 */
import { registerSW } from 'virtual:pwa-register';
import { create } from 'zustand';
import { postToServiceWorker, useLedgerStore } from './ledgerStore.ts';
import { originOf } from './policy.ts';
import type { FromWorker } from './protocol.ts';

interface InstallPrompt extends Event {
  prompt(): Promise<void>;
}

interface PwaState {
  /** The service worker took control on a first visit: one reload gives the page its headers. */
  reloadPending: boolean;
  updateReady: boolean;
  applyUpdate: () => void;
  installPrompt: InstallPrompt | null;
  install(): Promise<void>;
}

export const usePwaStore = create<PwaState>()((set, get) => ({
  reloadPending: false,
  updateReady: false,
  applyUpdate: () => {},
  installPrompt: null,
  async install() {
    await get().installPrompt?.prompt();
    set({ installPrompt: null });
  },
}));

export function startServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  const firstVisit = !navigator.serviceWorker.controller;
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent<FromWorker>) =>
    useLedgerStore.getState().receive(event.data),
  );
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!firstVisit) return;
    if (crossOriginIsolated) postToServiceWorker({ type: 'hello' });
    else usePwaStore.setState({ reloadPending: true });
  });
  const update = registerSW({
    immediate: true,
    onNeedRefresh: () => usePwaStore.setState({ updateReady: true }),
  });
  usePwaStore.setState({ applyUpdate: () => void update(true) });
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    usePwaStore.setState({ installPrompt: event as InstallPrompt });
  });
  postToServiceWorker({ type: 'hello' });
}

/** Resolves once the service worker has told its state (at once when none controls the page). */
export function whenLedgerReady(timeoutMs = 3000): Promise<void> {
  if (
    !('serviceWorker' in navigator) ||
    !navigator.serviceWorker.controller ||
    useLedgerStore.getState().controlled
  ) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    const unsubscribe = useLedgerStore.subscribe((state) => state.controlled && done());
    function done() {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    }
  });
}

/**
 * Makes the Content Security Policy allow `host` (a mirror). The policy of a page is fixed when it
 * loads, so a host it lacks takes a reload; returns whether one was started.
 */
export function allowModelHost(host: string | null): boolean {
  const { controlled, hosts } = useLedgerStore.getState();
  const origin = host ? originOf(host) : null;
  if (!controlled || origin === null || origin === window.location.origin || hosts.includes(origin))
    return false;
  postToServiceWorker({ type: 'set-hosts', hosts: [origin] });
  // The worker answers with its new state; reload once it has the host.
  const unsubscribe = useLedgerStore.subscribe((state) => {
    if (state.hosts.includes(origin)) {
      unsubscribe();
      window.location.reload();
    }
  });
  return true;
}
