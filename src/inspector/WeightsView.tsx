/**
 * Every tensor of the open file, sortable and filterable; for a picked one its statistics, histogram
 * (value against count), a zoomable heatmap (rows and columns, with its colour scale), and for
 * quantized weights the way back from packed bytes to real values.
 */
import { useCallback, useMemo, useState, type MouseEvent } from 'react';
import { divergingRgb } from '../lib/colour.ts';
import { formatBytes } from '../lib/format.ts';
import type { OnnxInitializer } from '../lib/onnx/summary.ts';
import { formatTick, niceTicks } from '../lib/ticks.ts';
import { ColourScale } from '../ui/ColourScale.tsx';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { PlotFrame, type Tick } from '../ui/PlotFrame.tsx';
import { Term } from '../ui/Term.tsx';
import type { ThemeColours } from '../ui/theme.ts';
import { useCanvas } from '../ui/useCanvas.ts';
import type { OpenedModel, TensorReport } from './protocol.ts';
import { useInspectorStore } from './store.ts';

type SortKey = 'order' | 'name' | 'elements' | 'dtype' | 'bytes';

const HISTOGRAM_HEIGHT = 120;
const histogramHeight = () => HISTOGRAM_HEIGHT;
const squareSide = (width: number) => Math.min(width, 420);
/** Room per axis tick, in rem. */
const TICK_SPACING_REM = 4;
const tickCount = (length: number, rem: number) => Math.max(2, Math.floor(length / (TICK_SPACING_REM * rem)));

const number = (value: number) =>
  Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0)
    ? value.toExponential(3)
    : value.toFixed(4);

function Histogram({ report }: { report: TensorReport }) {
  const { counts, min, max } = report.histogram;
  const peak = Math.max(...counts, 1);
  const draw = useCallback(
    (
      context: CanvasRenderingContext2D,
      width: number,
      height: number,
      _rem: number,
      colours: ThemeColours,
    ) => {
      const bar = width / counts.length;
      context.fillStyle = colours.accent;
      counts.forEach((count, index) => {
        const barHeight = (count / peak) * height;
        context.fillRect(index * bar, height - barHeight, Math.max(bar - 1, 1), barHeight);
      });
    },
    [counts, peak],
  );
  const { canvas, width, rem } = useCanvas(histogramHeight, draw);
  // The bins span min to max evenly; a tensor of one repeated value is one bar, its value in the middle.
  const valueTicks: Tick[] =
    max > min
      ? niceTicks(min, max, tickCount(width, rem)).map((value) => ({
          at: (value - min) / (max - min),
          label: formatTick(value),
        }))
      : [{ at: 0.5, label: number(min) }];
  const countTicks = niceTicks(0, peak, 3, { integers: true }).map((value) => ({
    at: 1 - value / peak,
    label: value.toLocaleString('en-US'),
  }));
  return (
    <figure className="plot-figure">
      <figcaption>How the values are spread</figcaption>
      <PlotFrame
        x={{
          title: `Value (${counts.length} bins from ${number(min)} to ${number(max)})`,
          ticks: valueTicks,
        }}
        y={{ title: 'Count', ticks: countTicks }}
      >
        <div className="canvas-box">
          <canvas
            ref={canvas}
            data-testid="weight-histogram"
            role="img"
            aria-label={`Histogram of ${report.stats.count} values from ${number(min)} to ${number(max)}`}
          />
        </div>
      </PlotFrame>
    </figure>
  );
}

function WeightHeatmap({ report }: { report: TensorReport }) {
  const { cells, height: cellRows, width: cellCols, window, rows, cols } = report.heatmap;
  const showTensor = useInspectorStore((state) => state.showTensor);
  const scale = Math.max(Math.abs(report.stats.min), Math.abs(report.stats.max), 1e-12);
  const draw = useCallback(
    (context: CanvasRenderingContext2D, width: number, height: number) => {
      const image = new ImageData(cellCols, cellRows);
      cells.forEach((value, index) => {
        const [r, g, b] = divergingRgb(value / scale);
        image.data.set([r, g, b, 255], index * 4);
      });
      const bitmap = new OffscreenCanvas(cellCols, cellRows);
      bitmap.getContext('2d')?.putImageData(image, 0, 0);
      context.imageSmoothingEnabled = false;
      context.drawImage(bitmap, 0, 0, width, height);
    },
    [cells, cellRows, cellCols, scale],
  );
  const { canvas, width, rem } = useCanvas(squareSide, draw);
  const side = squareSide(width);
  /** Integer indices of the window, each at the middle of its cell. */
  const indexTicks = (first: number, size: number): Tick[] =>
    niceTicks(first, first + size - 1, tickCount(side, rem), { integers: true }).map((index) => ({
      at: (index - first + 0.5) / size,
      label: String(index),
    }));
  const zoomAt = (event: MouseEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const [fx, fy] = [(event.clientX - box.left) / side, (event.clientY - box.top) / side];
    const nextRows = Math.max(Math.ceil(window.rows / 2), Math.min(16, window.rows));
    const nextCols = Math.max(Math.ceil(window.cols / 2), Math.min(16, window.cols));
    const clamp = (value: number, size: number, total: number) =>
      Math.max(0, Math.min(total - size, Math.round(value - size / 2)));
    void showTensor(report.name, {
      window: {
        row: clamp(window.row + fy * window.rows, nextRows, rows),
        col: clamp(window.col + fx * window.cols, nextCols, cols),
        rows: nextRows,
        cols: nextCols,
      },
    });
  };
  const zoomed = window.rows < rows || window.cols < cols;
  return (
    <figure className="plot-figure">
      <figcaption>The values as colours</figcaption>
      <p className="muted">
        Rows {window.row}–{window.row + window.rows - 1} and columns {window.col}–
        {window.col + window.cols - 1} of {rows} × {cols}
        {cellRows < window.rows || cellCols < window.cols
          ? `, each cell the mean of about ${Math.ceil(window.rows / cellRows)} × ${Math.ceil(window.cols / cellCols)} values`
          : ''}
        . Click to zoom in.{' '}
        {zoomed && (
          <button type="button" onClick={() => void showTensor(report.name, { window: null })}>
            Zoom out
          </button>
        )}
      </p>
      <PlotFrame
        x={{ title: 'Column (last dimension)', ticks: indexTicks(window.col, window.cols) }}
        y={{
          title: report.dims.length > 2 ? 'Row (the other dimensions, flattened)' : 'Row',
          ticks: indexTicks(window.row, window.rows),
        }}
        width={side}
      >
        <div className="canvas-box">
          <canvas
            ref={canvas}
            data-testid="weight-heatmap"
            role="img"
            aria-label={`Heatmap of ${report.name}`}
            onClick={zoomAt}
          />
        </div>
      </PlotFrame>
      <ColourScale
        min={-scale}
        max={scale}
        format={(value) => (value === 0 ? '0' : number(value))}
        caption="Weight value (colours reach full strength at the largest |value|)"
        meanings={['negative', 'zero', 'positive']}
      />
    </figure>
  );
}

function Dequantization({ report }: { report: TensorReport }) {
  const quantization = report.quantization;
  const showTensor = useInspectorStore((state) => state.showTensor);
  const view = useInspectorStore((state) => state.tensor);
  if (!quantization) return null;
  const { block } = quantization;
  return (
    <section className="dequantization" aria-label="Dequantization" data-testid="dequantization">
      <h4>
        <Term id="quantization">From stored integers to real values</Term>
      </h4>
      <p>
        Stored as {quantization.description}. Showing {quantization.where}: value = (integer − zero point) ×
        scale, with zero point {block.zeroPoint} and scale {number(block.scale)}.
      </p>
      {quantization.scheme === 'nbits' && view && (
        <div className="toolbar">
          <label className="inline-field">
            Column
            <input
              type="number"
              min={0}
              max={report.dims[1] ?? 0}
              value={view.column}
              onChange={(event) =>
                void showTensor(report.name, { column: Math.max(0, Number(event.target.value)) })
              }
            />
          </label>
          <label className="inline-field">
            Block
            <input
              type="number"
              min={0}
              value={view.block}
              onChange={(event) =>
                void showTensor(report.name, { block: Math.max(0, Number(event.target.value)) })
              }
            />
          </label>
        </div>
      )}
      <table className="dequant-table">
        <tbody>
          <tr>
            <th scope="row">
              {quantization.scheme === 'nbits' ? <Term id="packed4Bit">Packed bytes</Term> : 'Packed bytes'}
            </th>
            <td>{block.bytes.map((byte) => byte.toString(16).padStart(2, '0')).join(' ')}</td>
          </tr>
          <tr>
            <th scope="row">Integers</th>
            <td>{block.integers.join(' ')}</td>
          </tr>
          <tr>
            <th scope="row">Real values</th>
            <td>{block.values.map((value) => value.toFixed(4)).join(' ')}</td>
          </tr>
        </tbody>
      </table>
      {report.error ? (
        <p data-testid="quantization-error">
          Against the fp32 file’s <code>{report.error.against}</code>: largest error{' '}
          {number(report.error.maxAbs)}, RMS error {number(report.error.rms)} (
          {(report.error.relativeRms * 100).toFixed(2)}% of the weights’ RMS).
        </p>
      ) : (
        <p className="muted">
          Load the fp32 weights of this model once and the quantization error of every tensor shows here.
        </p>
      )}
    </section>
  );
}

function TensorDetail() {
  const view = useInspectorStore((state) => state.tensor);
  if (!view) return <p className="muted">Pick a tensor to see its values.</p>;
  const report = view.report?.name === view.name ? view.report : null;
  return (
    <section className="tensor-detail" aria-label="Tensor" data-testid="tensor-detail">
      <h4>{view.name}</h4>
      <ErrorMessage message={view.error} />
      {!report && !view.error && <p role="status">Reading the values…</p>}
      {report && (
        <>
          <p className="muted">
            Stored as <Term id="dtype">{report.storedDtype}</Term>; real values shaped [
            {report.dims.join(', ')}].
          </p>
          <dl className="kv-list" data-testid="tensor-stats">
            {(
              [
                ['min', number(report.stats.min)],
                ['max', number(report.stats.max)],
                ['mean', number(report.stats.mean)],
                ['std', number(report.stats.std)],
                ['zeros', `${(report.stats.sparsity * 100).toFixed(2)}%`],
                ['beyond 3σ', `${(report.stats.outliers * 100).toFixed(2)}%`],
              ] as const
            ).map(([label, value]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          <Histogram report={report} />
          <WeightHeatmap report={report} />
          <Dequantization report={report} />
        </>
      )}
    </section>
  );
}

export function WeightsView({ model }: { model: OpenedModel }) {
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({
    key: 'order',
    descending: false,
  });
  const showTensor = useInspectorStore((state) => state.showTensor);
  const selected = useInspectorStore((state) => state.tensor?.name);
  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const kept = model.summary.initializers
      .map((tensor, order) => ({ tensor, order }))
      .filter(
        ({ tensor }) => !needle || tensor.name.toLowerCase().includes(needle) || tensor.dtype === needle,
      );
    const value = ({ tensor, order }: { tensor: OnnxInitializer; order: number }): number | string =>
      sort.key === 'order'
        ? order
        : sort.key === 'name' || sort.key === 'dtype'
          ? tensor[sort.key]
          : tensor[sort.key];
    return kept.sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      const order =
        typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return sort.descending ? -order : order;
    });
  }, [model, filter, sort]);
  const header = (key: SortKey, label: string) => (
    <th scope="col" aria-sort={sort.key === key ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
      <button
        type="button"
        className="link"
        onClick={() => setSort({ key, descending: sort.key === key && !sort.descending })}
      >
        {label}
      </button>
    </th>
  );
  return (
    <div className="weights-view">
      <div className="weights-table">
        <label className="inline-field">
          Filter tensors
          <input
            type="search"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
            placeholder="name or dtype"
          />
        </label>
        <p className="muted">
          {rows.length} of {model.summary.initializers.length} tensors
        </p>
        <table className="initializers" aria-label="ONNX initializers">
          <thead>
            <tr>
              {header('name', 'Name')}
              <th scope="col">Shape</th>
              {header('elements', 'Values')}
              {header('dtype', 'Dtype')}
              {header('bytes', 'Bytes')}
            </tr>
          </thead>
          <tbody>
            {rows.map(({ tensor }) => (
              <tr key={tensor.name} data-testid="initializer-row" aria-selected={selected === tensor.name}>
                <td>
                  <button type="button" className="link" onClick={() => void showTensor(tensor.name)}>
                    {tensor.name}
                  </button>
                </td>
                <td>[{tensor.dims.join(', ')}]</td>
                <td>{tensor.elements.toLocaleString('en-US')}</td>
                <td>{tensor.dtype}</td>
                <td>{formatBytes(tensor.bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <TensorDetail />
    </div>
  );
}
