/** Any model id on the host, checked before anything is downloaded: architecture, files, sizes, fit. */
import { useState, type FormEvent } from 'react';
import type { RepositoryReport } from '../engine/protocol.ts';
import { messageOf } from '../lib/errors.ts';
import { formatBytes } from '../lib/format.ts';
import { engine } from '../session/engine.ts';
import type { MeasuredSpeed } from '../session/measuredSpeeds.ts';
import { hostFor } from '../session/selectors.ts';
import { useAppStore } from '../session/store.ts';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { ModelIdInput, modelIdProblem } from '../ui/ModelIdInput.tsx';
import { FitNotes } from './FitNotes.tsx';

export function RepositoryCheck({
  freeStorage,
  speeds,
}: {
  freeStorage: number | null;
  speeds: readonly MeasuredSpeed[];
}) {
  const loadModel = useAppStore((state) => state.loadModel);
  const [modelId, setModelId] = useState('');
  const [report, setReport] = useState<RepositoryReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  const check = async (event: FormEvent) => {
    event.preventDefault();
    const id = modelId.trim();
    setReport(null);
    setError(null);
    const problem = modelIdProblem(id);
    if (problem) {
      setError(problem);
      return;
    }
    setChecking(true);
    try {
      setReport(await engine.checkRepository(hostFor(useAppStore.getState(), id), id));
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setChecking(false);
    }
  };

  return (
    <section aria-label="Any model">
      <h3>Any model on the host</h3>
      <form className="toolbar" onSubmit={(event) => void check(event)}>
        <ModelIdInput value={modelId} onChange={setModelId} />
        <button type="submit" disabled={checking || !modelId.trim()}>
          {checking ? 'Checking…' : 'Check'}
        </button>
      </form>
      <ErrorMessage message={error} testId="repository-error" />
      {report && (
        <div data-testid="repository-report">
          <p>
            <strong>{report.modelId}</strong> on {report.host}:{' '}
            {report.architectures.join(', ') || report.modelType} ({report.modelType}),{' '}
            {report.task === 'text-generation' ? 'a chat model' : 'an embedding model'}.{' '}
            {report.supported
              ? 'Transformers.js can run this architecture.'
              : `This version of Transformers.js has no ${report.modelType} implementation: it will not load.`}
          </p>
          <FitNotes
            modelId={report.modelId}
            speeds={speeds}
            freeStorage={freeStorage}
            sizes={Object.fromEntries(report.dtypes.map((entry) => [entry.dtype, entry.bytes]))}
            task={report.task}
          />
          <ul>
            {report.dtypes.map((entry) => (
              <li key={entry.dtype}>
                {entry.dtype}: {entry.files.length} files,{' '}
                {entry.bytes === null ? 'size unknown' : formatBytes(entry.bytes)} to download{' '}
                <button
                  type="button"
                  disabled={!report.supported}
                  onClick={() => void loadModel(report.modelId, entry.dtype)}
                >
                  Load {entry.dtype}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
