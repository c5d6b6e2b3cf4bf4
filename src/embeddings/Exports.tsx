/** Downloads of a run: TF Embedding Projector TSVs, .npy, JSON, and the 2D map's coordinates. */
import { downloadText } from '../lib/download.ts';
import { mapTsv, metadataTsv, npy, vectorsTsv } from './exportFormats.ts';
import { vectorsFile } from './exportVectors.ts';
import { useEmbeddingsStore } from './store.ts';
import type { EmbeddingRun } from './types.ts';

const TSV = 'text/tab-separated-values';

export function Exports({ run }: { run: EmbeddingRun }) {
  const projection = useEmbeddingsStore((state) => state.projection);
  const downloads: {
    label: string;
    make: (() => [string, string | Uint8Array<ArrayBuffer>, string]) | null;
  }[] = [
    { label: 'vectors.tsv', make: () => ['vectors.tsv', vectorsTsv(run.vectors, run.dimensions), TSV] },
    { label: 'metadata.tsv', make: () => ['metadata.tsv', metadataTsv(run.sentences, run.labels), TSV] },
    {
      label: 'vectors.npy',
      make: () => [
        'vectors.npy',
        npy(run.vectors, run.sentences.length, run.dimensions),
        'application/octet-stream',
      ],
    },
    {
      label: 'JSON',
      make: () => ['glassbox-vectors.json', JSON.stringify(vectorsFile(run), null, 2), 'application/json'],
    },
    {
      label: 'map coordinates (TSV)',
      make: projection
        ? () => [
            `map-${projection.method}.tsv`,
            mapTsv(projection.coordinates, run.sentences, run.labels),
            TSV,
          ]
        : null,
    },
  ];
  return (
    <div className="toolbar" role="group" aria-label="Download">
      <span>Download:</span>
      {downloads.map(({ label, make }) => (
        <button key={label} type="button" disabled={!make} onClick={() => make && downloadText(...make())}>
          {label}
        </button>
      ))}
      <span className="muted">vectors.tsv and metadata.tsv load into projector.tensorflow.org.</span>
    </div>
  );
}
