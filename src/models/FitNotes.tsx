/**
 * The capability check before a download: which backend and weights this device should use, the
 * download, what it runs as and takes in the tab's memory, the decode speed to expect here, and what may
 * not fit.
 */
import type { Backend, Dtype, ModelTask } from '../core/model.ts';
import { findModel } from '../hub/catalog.ts';
import { formatBytes, formatRate } from '../lib/format.ts';
import { expectedSpeed, MIN_TIMED_TOKENS, type MeasuredSpeed } from '../session/measuredSpeeds.ts';
import { useAppStore } from '../session/store.ts';
import { assessFit, type FitAssessment } from './capability.ts';

const parametersOf = (id: string) => findModel(id)?.parameters ?? null;

export function FitNotes({
  modelId,
  sizes,
  recommended,
  task,
  freeStorage,
  speeds,
}: {
  modelId: string;
  sizes: Partial<Record<Dtype, number | null>>;
  /** Bytes the browser still grants this site (null: unknown). */
  freeStorage: number | null;
  recommended?: Partial<Record<Backend, Dtype | null>>;
  task: ModelTask;
  /** Decode speeds measured on this device (session/measuredSpeeds.ts). */
  speeds: readonly MeasuredSpeed[];
}) {
  const capabilities = useAppStore((state) => state.capabilities);
  if (!capabilities) return null;
  const fit = assessFit({ sizes, capabilities, freeStorage, ...(recommended ? { recommended } : {}) });
  const size = fit.dtype ? (sizes[fit.dtype] ?? null) : null;
  return (
    <div className="fit" data-testid="fit">
      <p>
        Recommended here: <strong>{fit.backend === 'webgpu' ? 'WebGPU' : 'WASM'}</strong>
        {fit.dtype ? (
          <>
            {' '}
            with <strong>{fit.dtype}</strong>
            {size !== null ? `: a ${formatBytes(size)} download` : ''}
            {formLine(fit)}
          </>
        ) : null}
        .
      </p>
      {task === 'text-generation' && fit.dtype ? (
        <p data-testid="expected-speed">
          {speedLine(
            expectedSpeed(
              { id: modelId, parameters: parametersOf(modelId), backend: fit.backend, dtype: fit.dtype },
              speeds,
              parametersOf,
            ),
          )}
        </p>
      ) : null}
      {fit.warnings.length > 0 && (
        <ul className="warnings">
          {fit.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function formLine({ runsAs, weights }: FitAssessment): string {
  const memory = weights
    ? `${weights.exact ? '' : 'at most '}${formatBytes(weights.bytes)} of the tab's memory`
    : null;
  if (runsAs)
    return `, run as ${runsAs} (rewritten for the CPU at its first load, then kept on this device)${memory ? `, taking ${memory}` : ''}`;
  return memory ? `, taking ${memory}` : '';
}

function speedLine(expected: ReturnType<typeof expectedSpeed>): string {
  if (!expected)
    return `Speed here: not measured yet. It shows after a reply of ${MIN_TIMED_TOKENS} tokens or more from this model, or from a catalog model of the same form.`;
  const { from } = expected;
  const where = `${from.backend === 'webgpu' ? 'WebGPU' : `WASM ×${from.threads}`}, ${from.dtype}`;
  const replies = `${from.replies} ${from.replies === 1 ? 'reply' : 'replies'}`;
  if (!expected.scaled)
    return `Speed here: ${formatRate(expected.tokensPerSecond)}, measured on this device (median of ${replies}, ${where}).`;
  const label = findModel(from.id)?.label ?? from.id;
  return `Speed here: about ${formatRate(expected.tokensPerSecond)}, scaled by parameter count from ${label}'s ${formatRate(from.tokensPerSecond)} measured on this device (${replies}, ${where}).`;
}
