/**
 * Semantic search over the current run (the query is embedded like the sentences, with the model's query
 * prefix) and the nearest neighbours of a picked sentence, both ranked by cosine similarity.
 */
import { useMemo, type FormEvent } from 'react';
import { Term } from '../ui/Term.tsx';
import { rankByCosine } from './analysis.ts';
import { row } from './similarity.ts';
import { useEmbeddingsStore } from './store.ts';
import type { EmbeddingRun } from './types.ts';

const SHOWN_RESULTS = 20;
const SHOWN_NEIGHBOURS = 6;

function Ranked({
  run,
  ranking,
  testId,
}: {
  run: EmbeddingRun;
  ranking: { index: number; score: number }[];
  testId: string;
}) {
  const select = useEmbeddingsStore((state) => state.select);
  return (
    <ol className="ranked" data-testid={testId}>
      {ranking.map(({ index, score }) => (
        <li key={index} data-index={index} data-score={score}>
          <button type="button" className="link" onClick={() => select(index)}>
            {run.sentences[index]}
          </button>{' '}
          <span className="muted">
            {score.toFixed(4)}
            {run.labels && ` · ${run.labels[index]}`}
          </span>
        </li>
      ))}
    </ol>
  );
}

export function Search({ run }: { run: EmbeddingRun }) {
  const query = useEmbeddingsStore((state) => state.query);
  const results = useEmbeddingsStore((state) => state.searchResults);
  const searching = useEmbeddingsStore((state) => state.searching);
  const { setQuery, search } = useEmbeddingsStore.getState();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void search();
  };
  return (
    <section className="search" aria-label="Semantic search">
      <form className="toolbar" onSubmit={submit}>
        <label className="inline-field">
          Search by meaning
          <input
            type="search"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            placeholder="e.g. pets asleep"
          />
        </label>
        <button type="submit" disabled={!query.trim() || searching}>
          {searching ? 'Searching…' : 'Search'}
        </button>
      </form>
      {results && (
        <>
          <p className="muted">
            The query became a vector like the sentences did; they are ranked by{' '}
            <Term id="cosineSimilarity">cosine similarity</Term> to it. The top {Math.min(5, results.length)}{' '}
            are ringed on the map.
          </p>
          <Ranked run={run} ranking={results.slice(0, SHOWN_RESULTS)} testId="search-results" />
        </>
      )}
    </section>
  );
}

export function Neighbours({ run }: { run: EmbeddingRun }) {
  const selected = useEmbeddingsStore((state) => state.selected);
  const ranking = useMemo(() => {
    if (selected === null || selected >= run.sentences.length) return null;
    const others = rankByCosine(
      row(run.vectors, run.dimensions, selected),
      run.vectors,
      run.sentences.length,
      run.dimensions,
    );
    return others.filter((entry) => entry.index !== selected).slice(0, SHOWN_NEIGHBOURS);
  }, [run, selected]);
  if (selected === null || !ranking) return null;
  return (
    <section className="neighbours" aria-label="Nearest neighbours">
      <h4>
        Nearest to “{run.sentences[selected]}”
        {run.labels && <span className="muted"> · {run.labels[selected]}</span>}
      </h4>
      <Ranked run={run} ranking={ranking} testId="neighbours" />
    </section>
  );
}
