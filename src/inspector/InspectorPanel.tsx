import { ErrorMessage } from '../app/ErrorMessage.tsx';
import { useEffect, useMemo, useState } from 'react';
import { useAppStore } from '../app/store.ts';
import type { LoadedModel, ModelSlot } from '../engine/protocol.ts';
import { formatBytes, formatCount } from '../lib/format.ts';
import { countParameters } from '../lib/onnx/parameters.ts';
import { useInspectorStore, type Inspection } from './store.ts';

function ConfigTable({ config }: { config: Record<string, unknown> }) {
  const entries = Object.entries(config);
  return (
    <table className="kv" aria-label="config.json">
      <tbody>
        {entries.map(([key, value]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td>{typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Summary({ inspection }: { inspection: Inspection }) {
  const [filter, setFilter] = useState('');
  const { summary } = inspection;
  const tiedEmbeddings = inspection.model.config['tie_word_embeddings'] === true;
  const parameters = useMemo(() => countParameters(summary, { tiedEmbeddings }), [summary, tiedEmbeddings]);
  const initializers = useMemo(
    () => summary.initializers.filter((tensor) => tensor.name.toLowerCase().includes(filter.toLowerCase())),
    [summary, filter],
  );
  return (
    <>
      <h3>
        {inspection.file} · {formatBytes(inspection.fileBytes)}
        {inspection.fromStore ? ' · read from this device' : ''}
      </h3>
      <p data-testid="parameter-count" data-parameters={parameters.total}>
        <strong>{formatCount(parameters.total)}</strong> parameters (
        {parameters.total.toLocaleString('en-US')}) in {summary.initializers.length} initializers and{' '}
        {summary.nodes.length} nodes. Opsets:{' '}
        {summary.opsets.map((opset) => `${opset.domain || 'ai.onnx'} ${opset.version}`).join(', ')}.
      </p>
      <ul className="dtype-shares">
        {Object.entries(parameters.byDtype).map(([dtype, share]) => (
          <li key={dtype}>
            {dtype}: {formatCount(share.parameters)} parameters in {share.tensors} tensors,{' '}
            {formatBytes(share.bytes)}
          </li>
        ))}
      </ul>
      <label className="inline-field">
        Filter initializers
        <input type="search" value={filter} onChange={(event) => setFilter(event.target.value)} />
      </label>
      <table className="initializers" aria-label="ONNX initializers">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Shape</th>
            <th scope="col">Dtype</th>
            <th scope="col">Bytes</th>
          </tr>
        </thead>
        <tbody>
          {initializers.map((tensor) => (
            <tr key={tensor.name} data-testid="initializer-row">
              <td>{tensor.name}</td>
              <td>[{tensor.dims.join(', ')}]</td>
              <td>{tensor.dtype}</td>
              <td>{formatBytes(tensor.bytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function InspectorPanel() {
  const focusSlot = useAppStore((state) => state.focusSlot);
  const chat = useAppStore((state) => state.slots.chat.loaded);
  const embedding = useAppStore((state) => state.slots.embedding.loaded);
  const setFocusSlot = useAppStore((state) => state.setFocusSlot);
  const inspection = useInspectorStore((state) => state.inspection);
  const reading = useInspectorStore((state) => state.reading);
  const error = useInspectorStore((state) => state.error);
  const inspect = useInspectorStore((state) => state.inspect);
  const loaded: Record<ModelSlot, LoadedModel | null> = { chat, embedding };
  const model = loaded[focusSlot] ?? chat ?? embedding;

  useEffect(() => {
    if (model && inspection?.model !== model) inspect(model);
  }, [model, inspection, inspect]);

  if (!model) {
    return (
      <section className="panel" aria-label="Inspector">
        <p className="muted">Load a model (header) to open it up here.</p>
      </section>
    );
  }
  return (
    <section className="panel inspector-panel" aria-label="Inspector">
      {chat && embedding && (
        <div className="toolbar" role="group" aria-label="Model to inspect">
          {(['chat', 'embedding'] as const).map((slot) => (
            <button
              key={slot}
              type="button"
              aria-pressed={model === loaded[slot]}
              onClick={() => setFocusSlot(slot)}
            >
              {loaded[slot]?.spec.id}
            </button>
          ))}
        </div>
      )}
      <h2>
        {model.spec.id} <span className="muted">({model.spec.dtype})</span>
      </h2>
      <div className="inspector-columns">
        <div>
          <h3>config.json</h3>
          <ConfigTable config={model.config} />
        </div>
        <div>
          {reading && <p role="status">Reading {reading}…</p>}
          <ErrorMessage message={error} />
          {inspection && inspection.model === model && <Summary inspection={inspection} />}
        </div>
      </div>
    </section>
  );
}
