/**
 * The inspector: opens a model (a loaded one, or any id on its host without loading it) and shows its
 * architecture, graph, weights, tokenizer and card; for a repository with safetensors files, its tensors
 * before anything is downloaded.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { DTYPES, type Dtype } from '../core/model.ts';
import type { LoadedModel } from '../engine/protocol.ts';
import { formatBytes } from '../lib/format.ts';
import { hostFor, selectFocusedModel, selectLoaded } from '../session/selectors.ts';
import { useAppStore } from '../session/store.ts';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { ModelIdInput, modelIdProblem } from '../ui/ModelIdInput.tsx';
import { CardView } from './CardView.tsx';
import { GraphView } from './GraphView.tsx';
import { HeadersView } from './HeadersView.tsx';
import { Overview } from './Overview.tsx';
import type { InspectTarget } from './protocol.ts';
import { INSPECTOR_TABS, sameTarget, useInspectorStore, type InspectorTab } from './store.ts';
import { TokenizerView } from './TokenizerView.tsx';
import { WeightsView } from './WeightsView.tsx';

const targetOf = (model: LoadedModel): InspectTarget => ({
  host: model.spec.host,
  modelId: model.spec.id,
  dtype: model.spec.dtype,
});

function OtherModel() {
  const { open, readHeaders } = useInspectorStore.getState();
  const [modelId, setModelId] = useState('');
  const [dtype, setDtype] = useState<Dtype>('q4');
  const [problem, setProblem] = useState<string | null>(null);
  const id = modelId.trim();
  /** Runs `action` on the host of a well-formed id; a malformed one is explained instead of requested. */
  const withHost = (action: (host: string) => void) => {
    const idProblem = modelIdProblem(id);
    setProblem(idProblem);
    if (!idProblem) action(hostFor(useAppStore.getState(), id));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    withHost((host) => void open({ host, modelId: id, dtype }, { pinned: true }));
  };
  return (
    <form className="toolbar" onSubmit={submit} aria-label="Open another model">
      <ModelIdInput value={modelId} onChange={setModelId} />
      <label className="inline-field">
        Weights to open
        <select value={dtype} onChange={(event) => setDtype(event.target.value as Dtype)}>
          {DTYPES.map((value) => (
            <option key={value}>{value}</option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={!id}>
        Open without loading
      </button>
      <button type="button" disabled={!id} onClick={() => withHost((host) => void readHeaders(host, id))}>
        Read safetensors headers
      </button>
      <ErrorMessage message={problem} testId="model-id-problem" />
    </form>
  );
}

export function InspectorPanel() {
  const chat = useAppStore(selectLoaded('chat'));
  const embedding = useAppStore(selectLoaded('embedding'));
  const focused = useAppStore(selectFocusedModel);
  const setFocusSlot = useAppStore((state) => state.setFocusSlot);
  const target = useInspectorStore((state) => state.target);
  const opened = useInspectorStore((state) => state.opened);
  const reading = useInspectorStore((state) => state.reading);
  const error = useInspectorStore((state) => state.error);
  const open = useInspectorStore((state) => state.open);
  const cancelOpen = useInspectorStore((state) => state.cancelOpen);
  const pinned = useInspectorStore((state) => state.pinned);
  const lastOpened = useInspectorStore((state) => state.lastOpened);
  const showingHeaders = useInspectorStore((state) => state.headers !== null);
  const closeHeaders = useInspectorStore((state) => state.closeHeaders);
  const tab = useInspectorStore((state) => state.tab);
  const setTab = useInspectorStore((state) => state.setTab);

  // A newly loaded (or newly focused) model opens here, unless the reader opened another one by id.
  useEffect(() => {
    if (focused && !pinned) void open(targetOf(focused));
  }, [focused, pinned, open]);

  return (
    <section className="panel inspector-panel" aria-label="Inspector">
      <div className="toolbar" role="group" aria-label="Model to inspect">
        {([chat, embedding].filter(Boolean) as LoadedModel[]).map((model) => (
          <button
            key={model.slot}
            type="button"
            aria-pressed={target?.modelId === model.spec.id && target.host === model.spec.host}
            onClick={() => {
              setFocusSlot(model.slot);
              void open(targetOf(model));
            }}
          >
            {model.spec.id} ({model.spec.dtype})
          </button>
        ))}
      </div>
      <OtherModel />
      {showingHeaders ? (
        // One subject at a time: the headers replace the open model, which stays one click away.
        <>
          <HeadersView />
          {target && (
            <button type="button" onClick={closeHeaders}>
              Back to {target.modelId} ({target.dtype})
            </button>
          )}
        </>
      ) : (
        <>
          {target && (
            <h2>
              {target.modelId} <span className="muted">({target.dtype})</span>
            </h2>
          )}
          {!target && (
            <p className="muted">Load a model (header), or open any model by its id, to look inside it.</p>
          )}
          {reading && (
            <p role="status">
              Reading {target?.modelId}
              {reading.total ? `: ${formatBytes(reading.loaded)} of ${formatBytes(reading.total)}` : '…'}
              {reading.total > 0 && (
                <progress max={reading.total} value={reading.loaded} aria-label="Reading the model" />
              )}{' '}
              <button type="button" onClick={cancelOpen}>
                Cancel
              </button>
            </p>
          )}
          <ErrorMessage message={error} />
          {error && lastOpened && !sameTarget(target, lastOpened) && (
            <button type="button" onClick={() => void open(lastOpened, { pinned: true })}>
              Back to {lastOpened.modelId} ({lastOpened.dtype})
            </button>
          )}
          {opened && (
            <>
              <div className="view-tabs" role="tablist" aria-label="Inspector views">
                {(Object.keys(INSPECTOR_TABS) as InspectorTab[]).map((key) => (
                  <button
                    key={key}
                    type="button"
                    role="tab"
                    aria-selected={tab === key}
                    onClick={() => setTab(key)}
                  >
                    {INSPECTOR_TABS[key]}
                  </button>
                ))}
              </div>
              <div role="tabpanel" aria-label={INSPECTOR_TABS[tab]}>
                {tab === 'overview' && <Overview model={opened} />}
                {tab === 'graph' && <GraphView model={opened} />}
                {tab === 'weights' && <WeightsView model={opened} />}
                {tab === 'tokenizer' && <TokenizerView model={opened} />}
                {tab === 'card' && <CardView model={opened} />}
              </div>
            </>
          )}
        </>
      )}
    </section>
  );
}
