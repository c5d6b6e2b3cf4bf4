import type { ModelSlot } from '../core/model.ts';
import { runsFloat16 } from '../engine/backend.ts';
import type { LoadedModel } from '../engine/protocol.ts';
import { appDtypeFor, DEFAULT_CHAT_MODEL_ID, DEFAULT_EMBEDDING_MODEL_ID, findModel } from '../hub/catalog.ts';
import { formatBytes, formatMs } from '../lib/format.ts';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { LoadProgress } from '../ui/LoadProgress.tsx';
import { useAppStore } from './store.ts';

const DEFAULT_FOR_SLOT: Record<ModelSlot, string> = {
  chat: DEFAULT_CHAT_MODEL_ID,
  embedding: DEFAULT_EMBEDDING_MODEL_ID,
};

/** A real model of the same kind, small enough for any laptop, offered in place of a forged one. */
const REAL_FOR_SLOT: Record<ModelSlot, string> = {
  chat: 'HuggingFaceTB/SmolLM2-135M-Instruct',
  embedding: 'Xenova/all-MiniLM-L6-v2',
};

const NOISE_BY_DESIGN: Record<ModelSlot, string> = {
  chat: 'its replies are noise by design. It shows the machinery (tokens, probabilities, the cache), not language.',
  embedding:
    'its vectors carry no meaning: similar sentences are not closer by design. It shows the machinery (tokens, pooling, the map), not meaning.',
};

/** Forged models (tools/forge) say so in their config.json. */
function isForged(model: LoadedModel): boolean {
  return 'glassbox_forged' in model.config;
}

/** The plain truth about a demo model's random weights, and one click to a real model. */
function ForgedNotice({ slot, model }: { slot: ModelSlot; model: LoadedModel }) {
  const loadModel = useAppStore((app) => app.loadModel);
  const real = findModel(REAL_FOR_SLOT[slot]);
  const capabilities = useAppStore((app) => app.capabilities);
  const dtype = real ? appDtypeFor(real, model.backend, runsFloat16(model.backend, capabilities)) : null;
  const size = real && dtype ? real.sizes[dtype] : null;
  return (
    <p className="notice" role="note" data-testid="forged-notice">
      <strong>{model.spec.id} is a demo model with random weights:</strong> {NOISE_BY_DESIGN[slot]}{' '}
      {real && dtype && (
        <button type="button" onClick={() => void loadModel(real.id, dtype)}>
          Load {real.label} ({dtype}
          {size ? `, ${formatBytes(size)}` : ''}), a real model
        </button>
      )}
    </p>
  );
}

/** What a panel shows about its model: load progress, the load error, or an offer to load the default. */
export function ModelGate({ slot }: { slot: ModelSlot }) {
  const state = useAppStore((app) => app.slots[slot]);
  const loadModel = useAppStore((app) => app.loadModel);
  const cancelLoad = useAppStore((app) => app.cancelLoad);
  const downloadAgain = useAppStore((app) => app.downloadAgain);
  const fallback = findModel(DEFAULT_FOR_SLOT[slot]);
  const damaged = state.damaged;

  return (
    <div className="model-gate">
      {state.loading && <LoadProgress progress={state.loading} onCancel={() => cancelLoad(slot)} />}
      {state.loaded && !state.loading && (
        <p
          className="muted"
          data-testid="load-summary"
          data-downloaded={state.loaded.downloadedBytes}
          data-resumes={state.loaded.resumes}
        >
          {state.loaded.spec.id} ({state.loaded.spec.dtype}
          {state.loaded.running && (
            <span title={state.loaded.running.summary}>
              , running as {state.loaded.running.dtype}
              {state.loaded.running.exact ? '' : ' (re-quantized)'} for the CPU
              {state.loaded.running.rewriteMs === null
                ? ''
                : `: rewritten in ${formatMs(state.loaded.running.rewriteMs)}, kept on this device`}
            </span>
          )}
          ), {formatBytes(state.loaded.bytes)} on this device:{' '}
          {state.loaded.downloadedBytes > 0
            ? `downloaded ${formatBytes(state.loaded.downloadedBytes)} from ${state.loaded.spec.host}${state.loaded.resumes > 0 ? `, resumed ${state.loaded.resumes}× after interruptions` : ''}`
            : 'loaded from this device, no download'}{' '}
          in {formatMs(state.loaded.loadMs)}.
        </p>
      )}
      {state.loaded && isForged(state.loaded) && <ForgedNotice slot={slot} model={state.loaded} />}
      <ErrorMessage message={state.error} />
      {damaged && !state.loading && (
        <p>
          <button type="button" onClick={() => void downloadAgain(damaged)}>
            Delete the stored files of {damaged.id} and download them again
          </button>
        </p>
      )}
      {!state.loaded && !state.loading && fallback && (
        <p>
          No {slot} model is loaded.{' '}
          <button type="button" onClick={() => void loadModel(fallback.id, 'fp32')}>
            Load {fallback.label}
          </button>
        </p>
      )}
    </div>
  );
}
