/**
 * Drift between two runs of the same sentences: another dtype, backend or pooling of one model gives a
 * per-sentence cosine between its two vectors; another model (a different space) is compared by how
 * alike the two runs judge every pair of sentences.
 */
import { useMemo, useState } from 'react';
import { comparableRuns } from './selectors.ts';
import { cosine, row } from './similarity.ts';
import { useEmbeddingsStore } from './store.ts';
import type { EmbeddingRun } from './types.ts';

export const describeRun = (run: EmbeddingRun) =>
  `${run.model} · ${run.dtype} · ${run.backend.toUpperCase()} · ${run.modelPooled ? 'own pooling' : run.pooling}${run.normalize ? ' · normalized' : ''}`;

function pearson(a: number[], b: number[]): number {
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const [ma, mb] = [mean(a), mean(b)];
  let [cov, va, vb] = [0, 0, 0];
  a.forEach((value, index) => {
    const [da, db] = [value - ma, (b[index] ?? 0) - mb];
    [cov, va, vb] = [cov + da * db, va + da * da, vb + db * db];
  });
  return va && vb ? cov / Math.sqrt(va * vb) : 0;
}

/** Pairs compared at most: beyond this many, an even sample of them (all pairs of 200 sentences). */
const MAX_PAIRS = 20_000;

/** Every pair of rows (i < j), or an evenly spaced sample of them: how similar a run finds each. */
function pairSimilarities(run: EmbeddingRun, pairs: [number, number][]): number[] {
  return pairs.map(([i, j]) =>
    cosine(row(run.vectors, run.dimensions, i), row(run.vectors, run.dimensions, j)),
  );
}

function pairsOf(count: number): { pairs: [number, number][]; sampled: boolean } {
  const total = (count * (count - 1)) / 2;
  const stride = Math.max(1, Math.ceil(total / MAX_PAIRS));
  const pairs: [number, number][] = [];
  let position = 0;
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++, position++) if (position % stride === 0) pairs.push([i, j]);
  }
  return { pairs, sampled: stride > 1 };
}

export function Compare({ run }: { run: EmbeddingRun }) {
  const runs = useEmbeddingsStore((state) => state.runs);
  const [choice, setChoice] = useState(0);
  const { candidates, other, comparison } = useMemo(() => {
    const sameSentences = comparableRuns(runs, run);
    const chosen = sameSentences[Math.min(choice, sameSentences.length - 1)];
    if (!chosen) return { candidates: sameSentences, other: null, comparison: null };
    const sameSpace = chosen.model === run.model && chosen.dimensions === run.dimensions;
    const perSentence = sameSpace
      ? run.sentences.map((_, index) =>
          cosine(row(run.vectors, run.dimensions, index), row(chosen.vectors, chosen.dimensions, index)),
        )
      : null;
    const { pairs, sampled } = pairsOf(run.sentences.length);
    const agreement =
      pairs.length > 1 ? pearson(pairSimilarities(run, pairs), pairSimilarities(chosen, pairs)) : null;
    return { candidates: sameSentences, other: chosen, comparison: { perSentence, agreement, sampled } };
  }, [runs, run, choice]);

  if (!other || !comparison) {
    return (
      <p className="muted">
        To compare, embed the same sentences again with another model, weights (dtype), backend or pooling:
        choose it in the header or above and press Embed. Each run of this session is kept for comparing.
      </p>
    );
  }
  const { perSentence, agreement, sampled } = comparison;
  return (
    <section className="compare" aria-label="Compare two runs">
      <label className="inline-field">
        Compare the current run ({describeRun(run)}) with
        <select value={choice} onChange={(event) => setChoice(Number(event.target.value))}>
          {candidates.map((candidate, index) => (
            <option key={index} value={index}>
              {describeRun(candidate)}
            </option>
          ))}
        </select>
      </label>
      {agreement !== null && (
        <p data-testid="pair-agreement">
          The two runs agree on how similar the pairs are with correlation {agreement.toFixed(4)} (1: they
          rank every pair alike)
          {sampled && `, estimated from ${MAX_PAIRS.toLocaleString('en')} evenly spaced pairs`}.
        </p>
      )}
      {perSentence ? (
        <>
          <p data-testid="drift-summary">
            Per-sentence cosine between the two vectors: lowest {Math.min(...perSentence).toFixed(6)}, mean{' '}
            {(perSentence.reduce((sum, value) => sum + value, 0) / perSentence.length).toFixed(6)} (1:
            identical direction).
          </p>
          <table className="drift">
            <thead>
              <tr>
                <th scope="col">Sentence</th>
                <th scope="col">Cosine</th>
              </tr>
            </thead>
            <tbody>
              {perSentence.map((value, index) => (
                <tr key={index} data-testid="drift-row">
                  <td>{run.sentences[index]}</td>
                  <td>{value.toFixed(6)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p className="muted">
          These are different models: their vectors live in different spaces, so only the pair similarities
          compare.
        </p>
      )}
    </section>
  );
}
