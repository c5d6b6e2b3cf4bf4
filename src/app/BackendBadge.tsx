import type { LoadedModel } from '../engine/protocol.ts';
import { useAppStore } from '../session/store.ts';

/** Names the backend a loaded model actually runs on, with its thread count or GPU adapter. */
export function BackendBadge({ model }: { model: LoadedModel | null }) {
  const adapter = useAppStore((state) => state.capabilities?.webgpu);
  if (!model)
    return (
      <span className="badge muted" data-testid="backend-badge">
        no model
      </span>
    );
  const detail =
    model.backend === 'webgpu'
      ? `WebGPU · ${adapter?.architecture || adapter?.vendor || 'GPU'}${adapter?.isFallback ? ' (software)' : ''}`
      : `WASM · ${model.threads} thread${model.threads === 1 ? '' : 's'}`;
  return (
    <span className="badge" data-testid="backend-badge" data-backend={model.backend} title="Backend in use">
      {detail}
    </span>
  );
}
