import type { ReactNode } from 'react';
import type { BackendChoice, ModelSlot } from '../core/model.ts';
import { autoBackendLabel } from '../engine/backend.ts';
import { NetworkIndicator } from '../network/NetworkPanel.tsx';
import { selectLoaded } from '../session/selectors.ts';
import { useAppStore } from '../session/store.ts';
import { ErrorText } from '../ui/ErrorMessage.tsx';
import { Glossary } from '../ui/Glossary.tsx';
import { BackendBadge } from './BackendBadge.tsx';
import type { Panel } from './deepLink.ts';
import { ModelMenu } from './ModelMenu.tsx';
import { InstallButton } from './PwaBanners.tsx';
import { RoomControls } from './RoomControls.tsx';
import { StudentLink } from './StudentLink.tsx';
import { ThemeMenu } from './ThemeMenu.tsx';

/** The slot whose menu the header shows: the panel's own, else the one the Inspector opens first. */
const SLOT_OF_PANEL: Record<Panel, ModelSlot | null> = {
  chat: 'chat',
  embeddings: 'embedding',
  inspector: null,
  models: null,
  storage: null,
  network: null,
};

/** The brand, the panel tabs (`children`), the model menus and the classroom's tools. */
export function Header({ panel, children }: { panel: Panel; children: ReactNode }) {
  const focusSlot = useAppStore((state) => state.focusSlot);
  const slotName = SLOT_OF_PANEL[panel] ?? focusSlot;
  const loaded = useAppStore(selectLoaded(slotName));
  const backendChoice = useAppStore((state) => state.backendChoice);
  const capabilities = useAppStore((state) => state.capabilities);
  const notices = useAppStore((state) => state.notices);
  const { setBackendChoice, dismissNotices } = useAppStore.getState();

  return (
    <header className="app-header">
      <h1 className="brand">
        <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" width={24} height={24} /> Glassbox
      </h1>
      {children}
      <div className="header-status">
        <BackendBadge model={loaded} />
        <NetworkIndicator />
      </div>
      <div className="header-controls">
        <ModelMenu slot={slotName} />
        <label className="inline-field advanced">
          Backend
          <select
            value={backendChoice}
            onChange={(event) => setBackendChoice(event.target.value as BackendChoice)}
          >
            <option value="auto">{autoBackendLabel(capabilities)}</option>
            <option value="wasm">WASM</option>
            <option value="webgpu" disabled={capabilities !== null && !capabilities.webgpu}>
              WebGPU{capabilities && !capabilities.webgpu ? ' (unavailable)' : ''}
            </option>
          </select>
        </label>
      </div>
      <div className="header-room">
        <StudentLink panel={panel} />
        <RoomControls panel={panel} />
        <Glossary />
        <ThemeMenu />
        <InstallButton />
      </div>
      {notices.length > 0 && (
        <div className="notices" role="alert">
          <ul>
            {notices.map((notice) => (
              <li key={notice}>
                <ErrorText message={notice} inline />
              </li>
            ))}
          </ul>
          <button type="button" onClick={dismissNotices}>
            Dismiss
          </button>
        </div>
      )}
    </header>
  );
}
