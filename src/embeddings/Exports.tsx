/** Downloads of a run: TF Embedding Projector TSVs, .npy, JSON, and the 2D map's coordinates. */
import { downloadJson, downloadText } from '../lib/download.ts';
import { metadataTsv, npy, vectorsTsv } from './exportFormats.ts';
import { vectorsFile } from './exportVectors.ts';
import { useEmbeddingsStore, type EmbeddingRun } from './store.ts';

export function Exports({ run }: { run: EmbeddingRun }) {
  const projection = useEmbeddingsStore((state) => state.projection);
  const count = run.sentences.length;
  return (
    <div className="toolbar" role="group" aria-label="Download">
      <span>Download:</span>
      <button
        type="button"
        onClick={() =>
          downloadText('vectors.tsv', vectorsTsv(run.vectors, run.dimensions), 'text/tab-separated-values')
        }
      >
        vectors.tsv
      </button>
      <button
        type="button"
        onClick={() =>
          downloadText('metadata.tsv', metadataTsv(run.sentences, run.labels), 'text/tab-separated-values')
        }
      >
        metadata.tsv
      </button>
      <button
        type="button"
        onClick={() =>
          downloadText('vectors.npy', npy(run.vectors, count, run.dimensions), 'application/octet-stream')
        }
      >
        vectors.npy
      </button>
      <button type="button" onClick={() => downloadJson('glassbox-vectors.json', vectorsFile(run))}>
        JSON
      </button>
      <button
        type="button"
        disabled={!projection}
        onClick={() =>
          projection &&
          downloadText(
            `map-${projection.method}.tsv`,
            [
              'x\ty\tsentence\tlabel',
              ...run.sentences.map((sentence, index) =>
                [
                  projection.coordinates[index * 2],
                  projection.coordinates[index * 2 + 1],
                  sentence.replace(/[\t\n]/g, ' '),
                  run.labels?.[index] ?? '',
                ].join('\t'),
              ),
            ].join('\n') + '\n',
            'text/tab-separated-values',
          )
        }
      >
        map coordinates (TSV)
      </button>
      <span className="muted">vectors.tsv and metadata.tsv load into projector.tensorflow.org.</span>
    </div>
  );
}
