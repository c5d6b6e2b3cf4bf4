/**
 * The cosine similarity of every pair of sentences as a heatmap: rows in input order, grouped by label
 * or by cluster, numbered on both axes, with its colour scale. Hover names the pair and the value; a
 * click picks the row's sentence.
 */
import { useCallback, useMemo, useState, type MouseEvent } from 'react';
import { divergingRgb } from '../lib/colour.ts';
import { ColourScale } from '../ui/ColourScale.tsx';
import { PlotFrame, tipPlacement, type Tick } from '../ui/PlotFrame.tsx';
import { useCanvas } from '../ui/useCanvas.ts';
import { orderByGroup } from './analysis.ts';
import { HEATMAP_LIMIT } from './analysisProtocol.ts';
import { useEmbeddingsStore } from './store.ts';
import type { EmbeddingRun } from './types.ts';

type Order = 'input' | 'label' | 'cluster';
const MAX_SIDE = 560;
const squareSide = (width: number) => Math.min(width, MAX_SIDE);
/** Room per axis tick, in rem: a sentence number at every row while they fit, else every k-th. */
const TICK_SPACING_REM = 2.5;

/** Cosines quantized to 512 levels, as RGBA words (little-endian: 0xAABBGGRR): no per-cell allocation. */
const COLOUR_LEVELS = 512;
const PALETTE = Uint32Array.from({ length: COLOUR_LEVELS }, (_, level) => {
  const [r, g, b] = divergingRgb((level / (COLOUR_LEVELS - 1)) * 2 - 1);
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
});

export function Heatmap({ run }: { run: EmbeddingRun }) {
  const analysis = useEmbeddingsStore((state) => state.analysis);
  const select = useEmbeddingsStore((state) => state.select);
  const [order, setOrder] = useState<Order>('input');
  const [hover, setHover] = useState<{ i: number; j: number; x: number; y: number } | null>(null);
  const count = run.sentences.length;
  const matrix = analysis?.matrix ?? null;

  const rows = useMemo(() => {
    if (order === 'label' && run.labels) return orderByGroup(run.labels);
    if (order === 'cluster' && analysis) return orderByGroup(Array.from(analysis.clusters));
    return Array.from({ length: count }, (_, index) => index);
  }, [order, run, analysis, count]);

  const draw = useCallback(
    (context: CanvasRenderingContext2D, width: number, _height: number, rem: number) => {
      if (!matrix) return;
      const side = squareSide(width);
      const cell = side / count;
      // One pixel per pair, scaled up: fast for thousands of rows.
      const image = new ImageData(count, count);
      const pixels = new Uint32Array(image.data.buffer);
      rows.forEach((i, row) =>
        rows.forEach((j, column) => {
          const level = Math.round(((matrix[i * count + j] ?? 0) + 1) * 0.5 * (COLOUR_LEVELS - 1));
          pixels[row * count + column] = PALETTE[Math.min(Math.max(level, 0), COLOUR_LEVELS - 1)] ?? 0;
        }),
      );
      const bitmap = new OffscreenCanvas(count, count);
      bitmap.getContext('2d')?.putImageData(image, 0, 0);
      context.imageSmoothingEnabled = false;
      context.drawImage(bitmap, 0, 0, side, side);
      if (cell >= 1.75 * rem) {
        context.font = `${0.6875 * rem}px system-ui, sans-serif`;
        context.textAlign = 'center';
        context.textBaseline = 'middle';
        rows.forEach((i, row) =>
          rows.forEach((j, column) => {
            const value = matrix[i * count + j] ?? 0;
            context.fillStyle = Math.abs(value) > 0.6 ? '#ffffff' : '#111827';
            context.fillText(value.toFixed(2), (column + 0.5) * cell, (row + 0.5) * cell);
          }),
        );
      }
    },
    [matrix, rows, count],
  );
  const { canvas, width, rem } = useCanvas(squareSide, draw);
  const side = squareSide(width);
  const ticks = useMemo((): Tick[] => {
    const every = Math.max(1, Math.ceil(count / Math.max(1, Math.floor(side / (TICK_SPACING_REM * rem)))));
    return rows
      .map((i, position) => ({ at: (position + 0.5) / count, label: String(i + 1), position }))
      .filter(({ position }) => position % every === 0)
      .map(({ at, label }) => ({ at, label }));
  }, [rows, count, side, rem]);
  const grouped = { input: '', label: ', grouped by label', cluster: ', grouped by cluster' }[order];

  if (count > HEATMAP_LIMIT) {
    return (
      <p className="muted">
        The heatmap shows up to {HEATMAP_LIMIT} sentences; use the map and search for this set.
      </p>
    );
  }
  const cellAt = (event: MouseEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const [x, y] = [event.clientX - box.left, event.clientY - box.top];
    const [row, column] = [Math.floor((y / side) * count), Math.floor((x / side) * count)];
    const [i, j] = [rows[row], rows[column]];
    return i === undefined || j === undefined || x > side || y > side ? null : { i, j, x, y };
  };

  return (
    <section className="heatmap" aria-label="Cosine similarity heatmap">
      <div className="toolbar">
        <label className="inline-field">
          Order rows
          <select value={order} onChange={(event) => setOrder(event.target.value as Order)}>
            <option value="input">as typed</option>
            {run.labels && <option value="label">by label</option>}
            <option value="cluster">by cluster (k-means)</option>
          </select>
        </label>
      </div>
      <PlotFrame
        x={{ title: `Sentence number (column)${grouped}`, ticks }}
        y={{ title: 'Sentence number (row)', ticks }}
        width={side}
      >
        <div className="canvas-box">
          <canvas
            ref={canvas}
            data-testid="heatmap"
            data-order={rows.join(',')}
            role="img"
            aria-label={`Cosine similarity of ${count} × ${count} sentence pairs`}
            onMouseMove={(event) => setHover(cellAt(event))}
            onMouseLeave={() => setHover(null)}
            onClick={(event) => select(cellAt(event)?.i ?? null)}
          />
          {hover && matrix && (
            <div
              className="canvas-tip"
              role="tooltip"
              data-testid="heatmap-tip"
              style={tipPlacement(hover.x, hover.y, side, side)}
            >
              {hover.i + 1}. “{run.sentences[hover.i]}” vs {hover.j + 1}. “{run.sentences[hover.j]}”: cosine{' '}
              {(matrix[hover.i * count + hover.j] ?? 0).toFixed(4)}
            </div>
          )}
        </div>
      </PlotFrame>
      <ColourScale
        min={-1}
        max={1}
        caption="Cosine similarity of the two sentences"
        meanings={['opposite', 'unrelated', 'same direction']}
      />
    </section>
  );
}
