import { ModelGate } from '../session/ModelGate.tsx';
import { Disclosure } from '../ui/Disclosure.tsx';
import { ErrorMessage, ErrorText } from '../ui/ErrorMessage.tsx';
import { Term } from '../ui/Term.tsx';
import { Compare, describeRun } from './Compare.tsx';
import { Exports } from './Exports.tsx';
import { Heatmap } from './Heatmap.tsx';
import { PoolingView } from './PoolingView.tsx';
import { ScatterMap } from './ScatterMap.tsx';
import { Neighbours, Search } from './SearchAndNeighbours.tsx';
import { selectCurrentRun } from './selectors.ts';
import { SetEditor } from './SetEditor.tsx';
import { useEmbeddingsStore } from './store.ts';

export function EmbeddingsPanel() {
  const result = useEmbeddingsStore(selectCurrentRun);
  const error = useEmbeddingsStore((state) => state.error);
  const notice = useEmbeddingsStore((state) => state.notice);

  return (
    <section className="panel embeddings-panel" aria-label="Embeddings">
      {/* The sentences beside their results on a wide screen: edit, run, and see the map change. */}
      <div className="embeddings-input">
        <ModelGate slot="embedding" />
        <SetEditor />
        <ErrorMessage message={error} />
        {notice && (
          <div className="muted" role="status">
            <ErrorText message={notice} />
          </div>
        )}
      </div>
      <div className="embeddings-results">
        {result ? (
          <>
            <p className="muted" data-testid="run-summary">
              {result.sentences.length} <Term id="embedding">vectors</Term> of {result.dimensions} dimensions
              from {describeRun(result)}
              {result.fromCache > 0 && ` (${result.fromCache} from this device’s cache)`}.
            </p>
            <Exports run={result} />
            <Search run={result} />
            <ScatterMap run={result} />
            <Neighbours run={result} />
            <Disclosure summary="Similarity heatmap">
              <Heatmap run={result} />
            </Disclosure>
            <Disclosure summary="How one sentence becomes a vector (pooling)">
              <PoolingView run={result} />
            </Disclosure>
            <Disclosure summary="Compare with another model, dtype or backend">
              <Compare run={result} />
            </Disclosure>
          </>
        ) : (
          <p className="muted empty">
            Embed the sentences to see them as vectors: a map where similar meanings sit close, the nearest
            neighbours of each sentence, and a search by meaning.
          </p>
        )}
      </div>
    </section>
  );
}
