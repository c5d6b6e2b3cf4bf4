import { ErrorMessage } from '../app/ErrorMessage.tsx';
import { useMemo } from 'react';
import { ModelGate } from '../app/ModelGate.tsx';
import { useAppStore } from '../app/store.ts';
import { POOLINGS, type Pooling } from '../engine/protocol.ts';
import { downloadJson } from '../lib/download.ts';
import { vectorsFile } from './exportVectors.ts';
import { cosineMatrix } from './similarity.ts';
import { useEmbeddingsStore, type EmbeddingRun } from './store.ts';

/** Diverging colour for a cosine in [-1, 1]: blue for similar, red for opposite. */
function cellColour(value: number): string {
  const alpha = Math.min(1, Math.abs(value));
  return value >= 0 ? `rgba(59, 130, 246, ${alpha})` : `rgba(239, 68, 68, ${alpha})`;
}

function SimilarityMatrix({ run }: { run: EmbeddingRun }) {
  const count = run.sentences.length;
  const matrix = useMemo(() => cosineMatrix(run.vectors, count, run.dimensions), [run, count]);
  return (
    <table className="similarity" aria-label="Cosine similarity matrix">
      <thead>
        <tr>
          <th scope="col">#</th>
          {run.sentences.map((sentence, j) => (
            <th key={j} scope="col" title={sentence}>
              {j + 1}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {run.sentences.map((sentence, i) => (
          <tr key={i}>
            <th scope="row" title={sentence}>
              {i + 1}. {sentence}
            </th>
            {run.sentences.map((other, j) => {
              const value = matrix[i * count + j] ?? 0;
              return (
                <td
                  key={j}
                  style={{ background: cellColour(value) }}
                  title={`“${sentence}” vs “${other}”: ${value.toFixed(4)}`}
                  data-testid={`cosine-${i}-${j}`}
                >
                  {value.toFixed(2)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EmbeddingsPanel() {
  const text = useEmbeddingsStore((state) => state.text);
  const pooling = useEmbeddingsStore((state) => state.pooling);
  const normalize = useEmbeddingsStore((state) => state.normalize);
  const progress = useEmbeddingsStore((state) => state.progress);
  const result = useEmbeddingsStore((state) => state.result);
  const error = useEmbeddingsStore((state) => state.error);
  const { setText, setPooling, setNormalize, embed, cancel } = useEmbeddingsStore.getState();
  const ready = useAppStore((state) => state.slots.embedding.loaded !== null);

  return (
    <section className="panel embeddings-panel" aria-label="Embeddings">
      <ModelGate slot="embedding" />
      <label className="field">
        Sentences, one per line
        <textarea value={text} onChange={(event) => setText(event.target.value)} rows={6} />
      </label>
      <div className="toolbar">
        <label className="inline-field">
          Pooling
          <select value={pooling} onChange={(event) => setPooling(event.target.value as Pooling)}>
            {POOLINGS.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <input
            type="checkbox"
            checked={normalize}
            onChange={(event) => setNormalize(event.target.checked)}
          />
          Normalize
        </label>
        {progress ? (
          <>
            <button type="button" className="danger" onClick={cancel}>
              Cancel
            </button>
            <progress max={progress.total} value={progress.done} aria-label="Embedding progress" />
            <span>
              {progress.done} / {progress.total}
            </span>
          </>
        ) : (
          <button type="button" onClick={() => void embed()} disabled={!ready}>
            Embed
          </button>
        )}
        <button
          type="button"
          disabled={!result}
          onClick={() => result && downloadJson('glassbox-vectors.json', vectorsFile(result))}
        >
          Download vectors
        </button>
      </div>
      <ErrorMessage message={error?.message} />
      {result && (
        <>
          <p className="muted">
            {result.sentences.length} vectors of {result.dimensions} dimensions from {result.model} (
            {result.dtype}, {result.pooling} pooling{result.normalize ? ', normalized' : ''}).
          </p>
          <SimilarityMatrix run={result} />
        </>
      )}
    </section>
  );
}
