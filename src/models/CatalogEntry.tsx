/** One model of the catalog: what it is, its license and openness card, the fit check, and Load. */
import { useState } from 'react';
import type { Dtype } from '../core/model.ts';
import { OPENNESS_LEVELS } from '../core/openness.ts';
import type { CatalogModel } from '../hub/catalogEntry.ts';
import { formatBytes, formatCount } from '../lib/format.ts';
import type { MeasuredSpeed } from '../session/measuredSpeeds.ts';
import { useAppStore } from '../session/store.ts';
import { OpennessTable } from '../ui/OpennessTable.tsx';
import { FitNotes } from './FitNotes.tsx';

export function CatalogEntry({
  model,
  freeStorage,
  speeds,
}: {
  model: CatalogModel;
  freeStorage: number | null;
  speeds: readonly MeasuredSpeed[];
}) {
  const loadModel = useAppStore((state) => state.loadModel);
  const [dtype, setDtype] = useState<Dtype | ''>(model.dtypes[0] ?? '');
  return (
    <article className="catalog-entry" aria-label={model.label} data-testid="catalog-entry">
      <h4>
        {model.label} <span className="muted">{model.id}</span>
      </h4>
      <p>{model.description}</p>
      <p className="muted">
        {model.task === 'text-generation' ? 'Chat' : 'Embeddings'}
        {model.parameters ? ` · ${formatCount(model.parameters)} parameters` : ''}
        {model.contextLength
          ? ` · ${model.contextLength.toLocaleString('en-US')} tokens of context`
          : ''} ·{' '}
        {model.license ? (
          <a href={model.license.url} target="_blank" rel="noreferrer">
            {model.license.name}
          </a>
        ) : (
          'no license chosen yet'
        )}{' '}
        · {model.opennessLevel}
      </p>
      <details>
        <summary>Openness card: {OPENNESS_LEVELS[model.opennessLevel]}</summary>
        <OpennessTable label={model.label} openness={model.openness} />
        <p className="muted">
          Sizes per format:{' '}
          {Object.entries(model.sizes)
            .map(
              ([format, size]) =>
                `${format} ${size === null || size === undefined ? 'size unknown' : formatBytes(size)}`,
            )
            .join(', ') || 'read from the host when loading'}
          .
        </p>
      </details>
      <FitNotes
        modelId={model.id}
        speeds={speeds}
        sizes={model.sizes}
        recommended={model.recommended}
        task={model.task}
        freeStorage={freeStorage}
      />
      {model.dtypes.length > 0 ? (
        <div className="toolbar">
          <label className="inline-field">
            Weights
            <select value={dtype} onChange={(event) => setDtype(event.target.value as Dtype)}>
              {model.dtypes.map((value) => (
                <option key={value} value={value}>
                  {value}
                  {model.sizes[value] ? ` (${formatBytes(model.sizes[value] ?? 0)})` : ''}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => dtype && void loadModel(model.id, dtype)}>
            Load {model.label}
          </button>
        </div>
      ) : (
        <p className="muted">
          No ONNX weights are known for this model yet: they are read from the host when it loads.
        </p>
      )}
    </article>
  );
}
