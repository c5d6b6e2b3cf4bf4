import { useEffect, useState } from 'react';
import { ChatPanel } from '../chat/ChatPanel.tsx';
import { EmbeddingsPanel } from '../embeddings/EmbeddingsPanel.tsx';
import { DEFAULT_CHAT_MODEL_ID } from '../hub/catalog.ts';
import { InspectorPanel } from '../inspector/InspectorPanel.tsx';
import { ModelsPanel } from '../models/ModelsPanel.tsx';
import { NetworkPanel } from '../network/NetworkPanel.tsx';
import { useLedgerStore } from '../pwa/ledgerStore.ts';
import { whenLedgerReady } from '../pwa/register.ts';
import { selectLoadedCount } from '../session/selectors.ts';
import { useAppStore } from '../session/store.ts';
import { StoragePanel } from '../storage/StoragePanel.tsx';
import { ErrorBoundary } from '../ui/ErrorBoundary.tsx';
import { PANELS, panelFromHash, parseDeepLink, type Panel } from './deepLink.ts';
import { Header } from './Header.tsx';
import { UpdateBanner } from './PwaBanners.tsx';

const PANEL_LABELS: Record<Panel, string> = {
  chat: 'Chat',
  embeddings: 'Embeddings',
  inspector: 'Inspector',
  models: 'Models',
  storage: 'Storage',
  network: 'Network',
};

function usePanel(initial: Panel): Panel {
  const [panel, setPanel] = useState(initial);
  useEffect(() => {
    const onHashChange = () => setPanel(panelFromHash(window.location.hash) ?? 'chat');
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  return panel;
}

const startup = parseDeepLink(window.location.search, window.location.hash);
let started = false;

/** Applies the deep link once: host and backend first, then the model (or the default chat model). */
async function start(): Promise<void> {
  if (started) return; // StrictMode runs effects twice in development.
  started = true;
  const app = useAppStore.getState();
  app.addNotices(startup.problems.map((problem) => `Link ignored: ${problem}`));
  await whenLedgerReady();
  // A new host reloads the page once so its security policy allows it; the link applies again then.
  if (startup.link.host && app.setMirror(startup.link.host)) return;
  if (startup.link.backend) app.setBackendChoice(startup.link.backend);
  await app.probe();
  await app.loadModel(startup.link.model ?? DEFAULT_CHAT_MODEL_ID, startup.link.dtype ?? 'fp32');
}

// The ledger counts what leaves the tab from the moment a model is ready.
useAppStore.subscribe((state) => {
  if (selectLoadedCount(state) > 0) useLedgerStore.getState().markModelReady();
});

function OfflineBanner() {
  const offline = useLedgerStore((state) => state.offline);
  if (!offline) return null;
  return (
    <p className="warning offline-banner" role="status">
      Offline switch on: only the app and the models stored on this device work. Downloading a model, checking
      a Hub id and reading headers are refused (see Network).
    </p>
  );
}

export function App() {
  const panel = usePanel(startup.link.panel);
  useEffect(() => {
    void start();
  }, []);

  return (
    <div className="app">
      <Header panel={panel} />
      <UpdateBanner />
      <OfflineBanner />
      <nav className="tabs" aria-label="Panels">
        {PANELS.map((name) => (
          <a key={name} href={`#/${name}`} aria-current={panel === name ? 'page' : undefined}>
            {PANEL_LABELS[name]}
          </a>
        ))}
      </nav>
      <main>
        <ErrorBoundary title={`The ${PANEL_LABELS[panel]} panel failed`} key={panel}>
          {panel === 'chat' && <ChatPanel />}
          {panel === 'embeddings' && <EmbeddingsPanel />}
          {panel === 'inspector' && <InspectorPanel />}
          {panel === 'models' && <ModelsPanel />}
          {panel === 'storage' && <StoragePanel />}
          {panel === 'network' && <NetworkPanel />}
        </ErrorBoundary>
      </main>
    </div>
  );
}
