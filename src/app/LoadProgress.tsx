import { formatBytes } from '../lib/format.ts';
import type { LoadProgress as Progress } from './store.ts';

/** Total and per-file download progress of a model load, in bytes. */
export function LoadProgress({ progress }: { progress: Progress }) {
  const percent = progress.total > 0 ? Math.round((progress.loaded / progress.total) * 100) : 0;
  return (
    <div className="load-progress" role="status" aria-live="polite">
      <label>
        Loading {progress.spec.id} ({progress.spec.dtype}): {formatBytes(progress.loaded)}
        {progress.total > 0 ? ` of ${formatBytes(progress.total)}` : ''}
        <progress max={100} value={percent} aria-label="Total download progress" />
      </label>
      {progress.files.length > 0 && (
        <ul className="file-progress">
          {progress.files.map((file) => (
            <li key={file.file}>
              <span>{file.file}</span>
              <span>
                {file.done
                  ? 'done'
                  : file.total > 0
                    ? `${formatBytes(file.loaded)} / ${formatBytes(file.total)}`
                    : '…'}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
