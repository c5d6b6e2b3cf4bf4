/** A repository's safetensors headers, read with Range requests: its tensors and parameters, nothing downloaded. */
import { formatBytes, formatCount } from '../lib/format.ts';
import { elementsOf } from '../lib/safetensors.ts';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { Term } from '../ui/Term.tsx';
import { useInspectorStore } from './store.ts';

export function HeadersView() {
  const headers = useInspectorStore((state) => state.headers);
  if (!headers) return null;
  const { report, error } = headers;
  return (
    <section className="headers-view" aria-label="Safetensors headers" data-testid="safetensors">
      <h3>
        {headers.modelId}: <Term id="safetensors">weights before download</Term>
      </h3>
      <ErrorMessage message={error} />
      {!report && !error && <p role="status">Reading the headers…</p>}
      {report && (
        <>
          <p data-testid="safetensors-parameters" data-parameters={report.parameters}>
            <strong>{formatCount(report.parameters)}</strong> parameters in {report.tensors.length} tensors
            across {report.files.length} file{report.files.length === 1 ? '' : 's'}
            {report.files.some((file) => file.size !== null) &&
              ` (${formatBytes(report.files.reduce((sum, file) => sum + (file.size ?? 0), 0))} of weights)`}
            , learned from {formatBytes(report.bytesRead)} of headers.
          </p>
          <table className="initializers" aria-label="Safetensors tensors">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Shape</th>
                <th scope="col">Dtype</th>
                <th scope="col">Values</th>
              </tr>
            </thead>
            <tbody>
              {report.tensors.map((tensor) => (
                <tr key={`${tensor.file}:${tensor.name}`} data-testid="safetensors-row">
                  <td>{tensor.name}</td>
                  <td>[{tensor.shape.join(', ')}]</td>
                  <td>{tensor.dtype}</td>
                  <td>{elementsOf(tensor.shape).toLocaleString('en-US')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
