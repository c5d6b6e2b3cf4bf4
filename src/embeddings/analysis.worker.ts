/**
 * The analysis worker: cosine matrix, clusters, PCA and UMAP for the embeddings views, so 2,000
 * sentences never freeze the page. UMAP reports progress per epoch and can be cancelled between them.
 */
import { UMAP } from 'umap-js';
import { clusterCountFor, kmeans, pca, seededRandom } from './analysis.ts';
import type { AnalysisEvent, AnalysisRequest, VectorSet } from './analysisProtocol.ts';
import { HEATMAP_LIMIT } from './analysisProtocol.ts';
import { cosine, cosineMatrix, row } from './similarity.ts';

const cancelled = new Set<number>();
const EPOCHS_PER_REPORT = 10;

function post(event: AnalysisEvent, transfer: Transferable[] = []): void {
  self.postMessage(event, { transfer });
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function rows({ vectors, count, dimensions }: VectorSet): number[][] {
  return Array.from({ length: count }, (_, index) => Array.from(row(vectors, dimensions, index)));
}

async function umap(id: number, set: VectorSet, seed: number): Promise<Float32Array> {
  if (set.count < 3) return new Float32Array(set.count * 2); // UMAP needs neighbours: nothing to lay out
  post({ type: 'project-progress', id, phase: 'finding neighbours', done: 0, total: 1 });
  const layout = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(15, set.count - 1),
    random: seededRandom(seed),
    // Embeddings are compared by angle, so neighbours are found by cosine distance.
    distanceFn: (a, b) => 1 - cosine(Float32Array.from(a), Float32Array.from(b)),
  });
  const epochs = layout.initializeFit(rows(set));
  for (let epoch = 0; epoch < epochs; epoch++) {
    if (epoch % EPOCHS_PER_REPORT === 0) {
      await nextTask(); // lets a cancel request in
      if (cancelled.has(id))
        throw Object.assign(new Error('The layout was cancelled.'), { code: 'cancelled' });
      post({ type: 'project-progress', id, phase: 'optimizing the layout', done: epoch, total: epochs });
    }
    layout.step();
  }
  return Float32Array.from(layout.getEmbedding().flat());
}

async function handle(request: AnalysisRequest): Promise<void> {
  switch (request.type) {
    case 'analyse': {
      const { set } = request;
      const matrix = set.count <= HEATMAP_LIMIT ? cosineMatrix(set.vectors, set.count, set.dimensions) : null;
      const clusters = kmeans(set.vectors, set.count, set.dimensions, clusterCountFor(set.count));
      post({ type: 'analysed', id: request.id, matrix, clusters }, [
        ...(matrix ? [matrix.buffer] : []),
        clusters.buffer,
      ]);
      return;
    }
    case 'project': {
      const { set } = request;
      if (request.method === 'pca') {
        const { coordinates, explained } = pca(set.vectors, set.count, set.dimensions, 2);
        post({ type: 'projected', id: request.id, coordinates, explained }, [coordinates.buffer]);
      } else {
        const coordinates = await umap(request.id, set, request.seed);
        post({ type: 'projected', id: request.id, coordinates, explained: null }, [coordinates.buffer]);
      }
      return;
    }
    case 'cancel':
      cancelled.add(request.target);
      return;
  }
}

self.onmessage = (message: MessageEvent<AnalysisRequest>) => {
  const request = message.data;
  handle(request)
    .catch((error: unknown) => {
      const code = (error as { code?: string }).code === 'cancelled' ? 'cancelled' : 'internal';
      post({
        type: 'error',
        id: request.id,
        error: { code, message: String((error as Error).message ?? error) },
      });
    })
    .finally(() => {
      if (request.type !== 'cancel') cancelled.delete(request.id);
    });
};
