/**
 * The 2D map of a run (PCA or UMAP, computed in the analysis worker), drawn on a canvas so thousands of
 * points stay smooth: axes named for the method (PCA's with their share of the variance), coloured by
 * label (or cluster), hover shows the sentence, click lists neighbours, search hits are ringed.
 */
import { useCallback, useMemo, useState, type MouseEvent } from 'react';
import type { TermId } from '../core/glossary.ts';
import { formatTick, niceTicks } from '../lib/ticks.ts';
import { PlotFrame, tipPlacement, type Axis } from '../ui/PlotFrame.tsx';
import { TermHelp } from '../ui/Term.tsx';
import type { ThemeColours } from '../ui/theme.ts';
import { useCanvas } from '../ui/useCanvas.ts';
import { PROJECTIONS, type Projection } from './analysisProtocol.ts';
import { categoriesOf, categoryColour } from './colours.ts';
import { useEmbeddingsStore } from './store.ts';
import type { EmbeddingRun } from './types.ts';

const HEIGHT = 420;
const fixedHeight = () => HEIGHT;
const PADDING = 16;
const HIGHLIGHTED_HITS = 5;

const METHOD_NAMES: Record<Projection, string> = { pca: 'PCA', umap: 'UMAP' };
const METHOD_TERMS: Record<Projection, TermId> = { pca: 'pca', umap: 'umap' };
/** Room per axis tick, in rem. */
const TICK_SPACING_REM = 4;

interface Layout {
  x: Float32Array;
  y: Float32Array;
  bounds: [number, number, number, number];
}

/** Screen positions of every point for a canvas of `width` × HEIGHT. */
function layoutOf(coordinates: Float32Array, count: number, width: number): Layout {
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < count; i++) {
    const [px = 0, py = 0] = [coordinates[i * 2], coordinates[i * 2 + 1]];
    [minX, maxX, minY, maxY] = [
      Math.min(minX, px),
      Math.max(maxX, px),
      Math.min(minY, py),
      Math.max(maxY, py),
    ];
  }
  const spanX = maxX - minX || 1;
  const spanY = maxY - minY || 1;
  const x = new Float32Array(count);
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    x[i] = PADDING + (((coordinates[i * 2] ?? 0) - minX) / spanX) * (width - 2 * PADDING);
    y[i] = HEIGHT - PADDING - (((coordinates[i * 2 + 1] ?? 0) - minY) / spanY) * (HEIGHT - 2 * PADDING);
  }
  return { x, y, bounds: [minX, maxX, minY, maxY] };
}

/** A percentage of variance, never "-0.0". */
const percent = (share: number) => `${Math.max(0, share * 100).toFixed(1)}%`;

/**
 * The map's two axes: "PC 1 (42.0% of the variance)" or "UMAP 1", with round values placed as
 * `layoutOf` places the points (y grows upwards).
 */
function axesOf(
  projection: { method: Projection; explained: number[] | null },
  layout: Layout | null,
  width: number,
  rem: number,
): { x: Axis; y: Axis } {
  const name = projection.method === 'pca' ? 'PC' : 'UMAP';
  const title = (axis: number) =>
    `${name} ${axis + 1}${projection.explained ? ` (${percent(projection.explained[axis] ?? 0)} of the variance)` : ''}`;
  if (!layout || width === 0) return { x: { title: title(0) }, y: { title: title(1) } };
  const [minX, maxX, minY, maxY] = layout.bounds;
  const count = (length: number) => Math.max(2, Math.floor(length / (TICK_SPACING_REM * rem)));
  const xTicks = niceTicks(minX, maxX, count(width)).map((value) => ({
    at: (PADDING + ((value - minX) / (maxX - minX || 1)) * (width - 2 * PADDING)) / width,
    label: formatTick(value),
  }));
  const yTicks = niceTicks(minY, maxY, count(HEIGHT)).map((value) => ({
    at: (HEIGHT - PADDING - ((value - minY) / (maxY - minY || 1)) * (HEIGHT - 2 * PADDING)) / HEIGHT,
    label: formatTick(value),
  }));
  return { x: { title: title(0), ticks: xTicks }, y: { title: title(1), ticks: yTicks } };
}

/** Colours by label when the set has labels, else by k-means cluster. */
export function useGroups(run: EmbeddingRun) {
  const clusters = useEmbeddingsStore((state) => state.analysis?.clusters ?? null);
  return useMemo(() => {
    if (run.labels) return { by: 'label' as const, ...categoriesOf(run.labels) };
    if (clusters)
      return { by: 'cluster' as const, ...categoriesOf(Array.from(clusters, (c) => `cluster ${c + 1}`)) };
    return null;
  }, [run, clusters]);
}

export function ScatterMap({ run }: { run: EmbeddingRun }) {
  const projection = useEmbeddingsStore((state) => state.projection);
  const projecting = useEmbeddingsStore((state) => state.projecting);
  const selected = useEmbeddingsStore((state) => state.selected);
  const hits = useEmbeddingsStore((state) => state.searchResults);
  const { project, cancelProjection, select } = useEmbeddingsStore.getState();
  const groups = useGroups(run);
  const [hover, setHover] = useState<number | null>(null);
  const count = run.sentences.length;
  const [layout, setLayout] = useState<Layout | null>(null);

  const draw = useCallback(
    (
      context: CanvasRenderingContext2D,
      width: number,
      _height: number,
      _rem: number,
      colours: ThemeColours,
    ) => {
      if (!projection) return;
      const next = layoutOf(projection.coordinates, count, width);
      setLayout(next);
      const radius = count > 2000 ? 2 : 4;
      for (let i = 0; i < count; i++) {
        context.beginPath();
        context.arc(next.x[i] ?? 0, next.y[i] ?? 0, radius, 0, 2 * Math.PI);
        context.fillStyle = groups ? categoryColour(groups.index[i] ?? 0) : colours.accent;
        context.fill();
      }
      const ring = (index: number, colour: string, size: number, lineWidth: number) => {
        context.beginPath();
        context.arc(next.x[index] ?? 0, next.y[index] ?? 0, size, 0, 2 * Math.PI);
        context.strokeStyle = colour;
        context.lineWidth = lineWidth;
        context.stroke();
      };
      hits?.slice(0, HIGHLIGHTED_HITS).forEach((hit) => ring(hit.index, colours.fg, radius + 5, 2));
      if (selected !== null) ring(selected, colours.fg, radius + 8, 3);
    },
    [projection, count, groups, hits, selected],
  );
  const { canvas, width, rem } = useCanvas(fixedHeight, draw);
  const axes = projection ? axesOf(projection, layout, width, rem) : { x: { title: '' }, y: { title: '' } };

  const nearest = (event: MouseEvent<HTMLCanvasElement>): number | null => {
    if (!layout) return null;
    const box = event.currentTarget.getBoundingClientRect();
    const [px, py] = [event.clientX - box.left, event.clientY - box.top];
    let best: number | null = null;
    let bestDistance = 10 ** 2; // within 10 px
    for (let i = 0; i < count; i++) {
      const distance = ((layout.x[i] ?? 0) - px) ** 2 + ((layout.y[i] ?? 0) - py) ** 2;
      if (distance < bestDistance) [best, bestDistance] = [i, distance];
    }
    return best;
  };

  return (
    <section className="scatter" aria-label="Map of the sentences">
      <div className="toolbar">
        <span>Map:</span>
        {PROJECTIONS.map((method) => (
          <span key={method}>
            <button
              type="button"
              aria-pressed={projection?.method === method}
              disabled={projecting !== null}
              onClick={() => void project(method)}
            >
              {METHOD_NAMES[method]}
            </button>
            <TermHelp id={METHOD_TERMS[method]} />
          </span>
        ))}
        {projecting && (
          <>
            <progress max={projecting.total} value={projecting.done} aria-label="Layout progress" />
            <span className="muted">
              {METHOD_NAMES[projecting.method]}: {projecting.phase}
            </span>
            <button type="button" onClick={cancelProjection}>
              Cancel layout
            </button>
          </>
        )}
        {projection?.method === 'umap' && !projecting && (
          <span className="muted">
            UMAP’s axes mean nothing by themselves: only which points lie close does.
          </span>
        )}
      </div>
      <PlotFrame x={axes.x} y={axes.y}>
        <div className="canvas-box">
          <canvas
            ref={canvas}
            data-testid="scatter"
            data-bounds={layout?.bounds.join(',')}
            data-padding={PADDING}
            role="img"
            aria-label={`${count} sentences placed by ${projection ? METHOD_NAMES[projection.method] : '…'}: similar sentences lie close together`}
            onMouseMove={(event) => setHover(nearest(event))}
            onMouseLeave={() => setHover(null)}
            onClick={(event) => select(nearest(event))}
          />
          {hover !== null && layout && (
            <div
              className="canvas-tip"
              role="tooltip"
              style={tipPlacement(layout.x[hover] ?? 0, layout.y[hover] ?? 0, width, HEIGHT)}
            >
              {run.sentences[hover]}
              {run.labels && <span className="muted"> · {run.labels[hover]}</span>}
            </div>
          )}
        </div>
      </PlotFrame>
      {groups && (
        <ul className="legend" aria-label={`Colours by ${groups.by}`}>
          {groups.names.map((name, index) => (
            <li key={name} data-colour={categoryColour(index)}>
              <span className="swatch" style={{ background: categoryColour(index) }} />
              {name || '(no label)'}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
