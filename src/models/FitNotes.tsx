/** The capability check before a download: which backend and weights this device should use, and what may not fit. */
import type { Backend, Dtype, ModelTask } from '../core/model.ts';
import { useAppStore } from '../session/store.ts';
import { assessFit } from './capability.ts';

export function FitNotes({
  sizes,
  recommended,
  task,
  freeStorage,
}: {
  sizes: Partial<Record<Dtype, number | null>>;
  /** Bytes the browser still grants this site (null: unknown). */
  freeStorage: number | null;
  recommended?: Partial<Record<Backend, Dtype | null>>;
  task: ModelTask;
}) {
  const capabilities = useAppStore((state) => state.capabilities);
  if (!capabilities) return null;
  const fit = assessFit({
    sizes,
    capabilities,
    freeStorage,
    task,
    ...(recommended ? { recommended } : {}),
  });
  return (
    <div className="fit" data-testid="fit">
      <p>
        Recommended here: <strong>{fit.backend === 'webgpu' ? 'WebGPU' : 'WASM'}</strong>
        {fit.dtype ? (
          <>
            {' '}
            with <strong>{fit.dtype}</strong>
          </>
        ) : null}
        .
      </p>
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
