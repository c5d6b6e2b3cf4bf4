/**
 * Named views of the embeddings store, computed from what is stored (nothing derived is stored twice).
 *
 *   const run = useEmbeddingsStore(selectCurrentRun);
 */
import type { EmbeddingRun, EmbeddingsState } from './types.ts';

/** The current run: the newest one, shown by every view. */
export const selectCurrentRun = (state: Pick<EmbeddingsState, 'runs'>): EmbeddingRun | null =>
  state.runs[0] ?? null;

/** Whether an embedding is in progress. */
export const selectEmbedding = (state: Pick<EmbeddingsState, 'progress'>): boolean => state.progress !== null;

/** Earlier runs of exactly the same sentences as `run`, in order: what it can be compared with. */
export function comparableRuns(runs: readonly EmbeddingRun[], run: EmbeddingRun): EmbeddingRun[] {
  return runs.filter(
    (candidate) =>
      candidate !== run &&
      candidate.sentences.length === run.sentences.length &&
      candidate.sentences.every((sentence, index) => sentence === run.sentences[index]),
  );
}

/** Whether `run` was made by the model now loaded (same id, dtype and backend): only then can it be searched. */
export function madeByLoaded(
  run: EmbeddingRun,
  loaded: { spec: { id: string; dtype: string }; backend: string } | null,
): boolean {
  return loaded?.spec.id === run.model && loaded.spec.dtype === run.dtype && loaded.backend === run.backend;
}
