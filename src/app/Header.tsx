import type { BackendChoice, Dtype, ModelSlot } from '../core/model.ts';
import { DTYPES } from '../core/model.ts';
import { autoBackendLabel } from '../engine/backend.ts';
import { CATALOG } from '../hub/catalog.ts';
import { classroom } from '../hub/classroom.ts';
import { NetworkIndicator } from '../network/NetworkPanel.tsx';
import { selectCurrentSpec, selectLoaded } from '../session/selectors.ts';
import { useAppStore } from '../session/store.ts';
import { BackendBadge } from './BackendBadge.tsx';
import type { Panel } from './deepLink.ts';
import { InstallButton } from './PwaBanners.tsx';
import { RoomControls } from './RoomControls.tsx';
import { StudentLink } from './StudentLink.tsx';

const SLOT_OF_PANEL: Record<Panel, ModelSlot | null> = {
  chat: 'chat',
  embeddings: 'embedding',
  inspector: null,
  models: null,
  storage: null,
  network: null,
};

/** Models the classroom server serves that the catalog does not list (a teacher's own downloads). */
const laptopModels = (classroom?.models ?? []).filter((id) => !CATALOG.some((model) => model.id === id));

export function Header({ panel }: { panel: Panel }) {
  const focusSlot = useAppStore((state) => state.focusSlot);
  const slotName = SLOT_OF_PANEL[panel] ?? focusSlot;
  const current = useAppStore(selectCurrentSpec(slotName));
  const loaded = useAppStore(selectLoaded(slotName));
  const busy = useAppStore((state) => state.slots[slotName].loading !== null);
  const backendChoice = useAppStore((state) => state.backendChoice);
  const capabilities = useAppStore((state) => state.capabilities);
  const notices = useAppStore((state) => state.notices);
  const { loadModel, setBackendChoice, dismissNotices } = useAppStore.getState();
  const dtype: Dtype = current?.dtype ?? 'fp32';

  return (
    <header className="app-header">
      <h1 className="brand">
        <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" width={24} height={24} /> Glassbox
      </h1>
      <div className="header-controls">
        <label className="inline-field">
          Model
          <select
            value={current?.id ?? ''}
            disabled={busy}
            onChange={(event) => {
              const chosen = CATALOG.find((model) => model.id === event.target.value);
              const available = chosen?.dtypes ?? DTYPES;
              void loadModel(
                event.target.value,
                available.includes(dtype) ? dtype : (available[0] ?? 'fp32'),
              );
            }}
          >
            {!current && <option value="">Choose a model…</option>}
            {current &&
              !CATALOG.some((model) => model.id === current.id) &&
              !laptopModels.includes(current.id) && <option value={current.id}>{current.id}</option>}
            {laptopModels.length > 0 && (
              <optgroup label="On the teacher's laptop">
                {laptopModels.map((id) => (
                  <option key={id} value={id}>
                    {id}
                  </option>
                ))}
              </optgroup>
            )}
            {(['text-generation', 'feature-extraction'] as const).map((task) => (
              <optgroup key={task} label={task === 'text-generation' ? 'Chat models' : 'Embedding models'}>
                {CATALOG.filter((model) => model.task === task && model.dtypes.length > 0).map((model) => (
                  <option key={model.id} value={model.id}>
                    {model.label}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        <label className="inline-field advanced">
          Weights
          <select
            value={dtype}
            disabled={busy || !current}
            onChange={(event) => current && void loadModel(current.id, event.target.value as Dtype)}
          >
            {DTYPES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
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
        <BackendBadge model={loaded} />
        <NetworkIndicator />
        <StudentLink panel={panel} />
        <RoomControls panel={panel} />
        <InstallButton />
      </div>
      {notices.length > 0 && (
        <div className="notices" role="alert">
          <ul>
            {notices.map((notice) => (
              <li key={notice}>{notice}</li>
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
