import type { FileProgress, LoadProgress as Progress, ModelSpec } from '../core/model.ts';
import { formatBytes, formatMs } from '../lib/format.ts';

function fileStatus(file: FileProgress): string {
  if (file.done) return file.fromStore ? 'on this device' : 'downloaded';
  if (file.loaded === 0) return 'waiting';
  const size =
    file.total > 0 ? `${formatBytes(file.loaded)} / ${formatBytes(file.total)}` : formatBytes(file.loaded);
  const speed = file.bytesPerSecond > 0 ? ` · ${formatBytes(file.bytesPerSecond)}/s` : '';
  const eta =
    file.bytesPerSecond > 0 && file.total > file.loaded
      ? ` · ${formatMs(((file.total - file.loaded) / file.bytesPerSecond) * 1000)} left`
      : '';
  const resumed = file.resumes ? ` · resumed ${file.resumes}×` : '';
  return size + speed + eta + resumed;
}

/** Total and per-file download progress of a model load: bytes, speed, time left, and Cancel. */
export function LoadProgress({
  progress,
  onCancel,
}: {
  progress: Progress & { spec: ModelSpec };
  onCancel: () => void;
}) {
  const percent = progress.total > 0 ? Math.round((progress.loaded / progress.total) * 100) : 0;
  const speed = progress.files.reduce((sum, file) => sum + (file.done ? 0 : file.bytesPerSecond), 0);
  const left = speed > 0 ? ` · ${formatMs(((progress.total - progress.loaded) / speed) * 1000)} left` : '';
  return (
    <div className="load-progress" role="status" aria-live="polite">
      <div className="toolbar">
        <label>
          Loading {progress.spec.id} ({progress.spec.dtype}): {formatBytes(progress.loaded)}
          {progress.total > 0 ? ` of ${formatBytes(progress.total)} (${percent}%)` : ''}
          {left}
          <progress max={100} value={percent} aria-label="Total download progress" />
        </label>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {progress.files.length > 0 && (
        <ul className="file-progress">
          {progress.files.map((file) => (
            <li key={file.file} data-testid="file-progress" data-loaded={file.loaded}>
              <span>{file.file}</span>
              <span>{fileStatus(file)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
