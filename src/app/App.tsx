import { useEffect, useState } from 'react';
import { ChatPanel, MESSAGE_BOX_ID } from '../chat/ChatPanel.tsx';
import { selectGenerating } from '../chat/selectors.ts';
import { useChatStore } from '../chat/store.ts';
import { MODEL_SLOTS } from '../core/model.ts';
import { EmbeddingsPanel } from '../embeddings/EmbeddingsPanel.tsx';
import { useEmbeddingsStore } from '../embeddings/store.ts';
import { DEFAULT_CHAT_MODEL_ID } from '../hub/catalog.ts';
import { InspectorPanel } from '../inspector/InspectorPanel.tsx';
import { ModelsPanel } from '../models/ModelsPanel.tsx';
import { NetworkPanel } from '../network/NetworkPanel.tsx';
import { useLedgerStore } from '../pwa/ledgerStore.ts';
import { allowModelHost, usePwaStore, whenLedgerReady } from '../pwa/register.ts';
import { useRoomStore } from '../session/room.ts';
import { selectLoadedCount } from '../session/selectors.ts';
import { useAppStore } from '../session/store.ts';
import { StoragePanel } from '../storage/StoragePanel.tsx';
import { ErrorBoundary } from '../ui/ErrorBoundary.tsx';
import { Glossary } from '../ui/Glossary.tsx';
import { AddressLimits } from './AddressLimits.tsx';
import { PANELS, panelFromHash, parseDeepLink, type Panel } from './deepLink.ts';
import { Header } from './Header.tsx';
import { UpdateBanner } from './PwaBanners.tsx';
import { usePresenterMode } from './RoomControls.tsx';
import { decodeFromLink } from './scene.ts';
import { SceneOffer, TourBar } from './Scenes.tsx';
import { useSceneStore } from './sceneStore.ts';

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
  void offerLinkedScene();
  await whenLedgerReady();
  const { host, model, dtype = 'fp32', backend } = startup.link;
  // A new host reloads the page once so its security policy allows it; the link applies again then.
  if (host && allowModelHost(host)) return;
  // A link's host is for the link's model only: it is shown, and becomes the mirror only if asked.
  if (host) app.setLinkHost({ host, modelId: model ?? null });
  if (backend) app.setBackendChoice(backend);
  if (startup.link.view === 'student') {
    useRoomStore.getState().setStudentView(true);
    // Applied once: the laptop keeps the view, and a reload must not undo the teacher turning it off.
    const url = new URL(window.location.href);
    url.searchParams.delete('view');
    window.history.replaceState(window.history.state, '', url);
  }
  await app.probe();
  if (host && model) await app.loadModel(model, dtype, { host });
  else await app.loadModel(model ?? DEFAULT_CHAT_MODEL_ID, dtype);
}

/** A scene or tour in the link (`?scene=` or `?tour=`) is offered once; a reload does not offer it again. */
async function offerLinkedScene(): Promise<void> {
  const url = new URL(window.location.href);
  const kind = url.searchParams.has('tour') ? 'tour' : 'scene';
  const encoded = url.searchParams.get(kind);
  if (encoded === null) return;
  url.searchParams.delete(kind);
  window.history.replaceState(window.history.state, '', url);
  useSceneStore.getState().receive(await decodeFromLink(encoded), `${kind} in this link`);
}

/** Where a link's host applies (its model only), with one click to make it the mirror or to undo it. */
function LinkHostBanner() {
  const linkHost = useAppStore((state) => state.linkHost);
  const mirror = useAppStore((state) => state.mirror);
  if (!linkHost || linkHost.host === mirror) return null;
  const { host, modelId } = linkHost;
  const app = useAppStore.getState();
  return (
    <div className="warning link-host" role="status" data-testid="link-host">
      <p>
        {modelId
          ? `This link loads ${modelId} from ${host}, not from the usual model host. Other models still come from ${mirror ?? 'the usual host'}.`
          : `This link suggests the model host ${host}. Models still come from ${mirror ?? 'the usual host'}.`}
      </p>
      <div className="toolbar">
        <button
          type="button"
          onClick={() => {
            app.setLinkHost(null);
            app.setMirror(host);
          }}
        >
          Use {host} for every model
        </button>
        {modelId && (
          <button
            type="button"
            onClick={() => {
              app.setLinkHost(null);
              void app.loadModel(modelId, startup.link.dtype ?? 'fp32');
            }}
          >
            Load {modelId} from the usual host instead
          </button>
        )}
        <button type="button" onClick={() => app.setLinkHost(null)}>
          Dismiss
        </button>
      </div>
    </div>
  );
}

// The ledger counts what leaves the tab from the moment a model is ready.
useAppStore.subscribe((state) => {
  if (selectLoadedCount(state) > 0) useLedgerStore.getState().markModelReady();
});

/**
 * The first visit's reload (pwa/register.ts) waits until nothing is in progress: no model loading, no
 * reply streaming, no embedding running. Typed text survives it (sessionStorage).
 */
function FirstVisitReload() {
  const pending = usePwaStore((state) => state.reloadPending);
  const loading = useAppStore((state) => MODEL_SLOTS.some((slot) => state.slots[slot].loading !== null));
  const generating = useChatStore(selectGenerating);
  const embedding = useEmbeddingsStore((state) => state.progress !== null);
  const busy = loading || generating || embedding;
  useEffect(() => {
    if (pending && !busy) window.location.reload();
  }, [pending, busy]);
  if (!pending) return null;
  return (
    <div className="warning" role="status">
      Glassbox is now installed on this device. It reloads once, when the work in progress ends, to use every
      core of this computer; what you typed is kept.{' '}
      <button type="button" onClick={() => window.location.reload()}>
        Reload now
      </button>
    </div>
  );
}

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
  usePresenterMode();
  useEffect(() => {
    void start();
  }, []);

  return (
    <div className="app">
      <a
        className="skip-link"
        href="#/chat"
        onClick={(event) => {
          // To the chat's message box, whatever the panel: the panel changes first if it must.
          event.preventDefault();
          if (panel !== 'chat') window.location.hash = '#/chat';
          requestAnimationFrame(() => document.getElementById(MESSAGE_BOX_ID)?.focus());
        }}
      >
        Skip to the message box
      </a>
      <Header panel={panel} />
      <UpdateBanner />
      <FirstVisitReload />
      <OfflineBanner />
      <AddressLimits />
      <SceneOffer />
      <TourBar />
      <LinkHostBanner />
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
      <Glossary />
    </div>
  );
}
