/**
 * Statistics of a tensor's values for the weights view: range, mean, spread, sparsity, outliers, a
 * histogram, and a downsampled window of a 2D slice for the heatmap.
 *
 *   tensorStats(Float32Array.from([0, 1, 2, 3])) // → { min: 0, max: 3, mean: 1.5, std: 1.118…, sparsity: 0.25, … }
 */

export interface TensorStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation. */
  std: number;
  /** Share of values that are exactly 0. */
  sparsity: number;
  /** Share of values more than 3 standard deviations from the mean. */
  outliers: number;
}

export function tensorStats(values: ArrayLike<number>): TensorStats {
  const count = values.length;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < count; i++) {
    const value = values[i] ?? 0;
    if (value < min) min = value;
    if (value > max) max = value;
    sum += value;
    if (value === 0) zeros++;
  }
  const mean = count ? sum / count : 0;
  let squares = 0;
  for (let i = 0; i < count; i++) squares += ((values[i] ?? 0) - mean) ** 2;
  const std = count ? Math.sqrt(squares / count) : 0;
  let outliers = 0;
  for (let i = 0; i < count; i++) if (Math.abs((values[i] ?? 0) - mean) > 3 * std) outliers++;
  return {
    count,
    min: count ? min : 0,
    max: count ? max : 0,
    mean,
    std,
    sparsity: count ? zeros / count : 0,
    outliers: count ? outliers / count : 0,
  };
}

/** Counts of values in `bins` equal-width bins from min to max (the last bin includes max). */
export function histogram(values: ArrayLike<number>, bins: number, min: number, max: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  const width = (max - min) / bins || 1;
  for (let i = 0; i < values.length; i++) {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(((values[i] ?? 0) - min) / width)));
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return counts;
}

/** A tensor seen as a matrix: the last dimension as columns, all others folded into rows. */
export function matrixShape(dims: readonly number[]): { rows: number; cols: number } {
  const cols = dims.at(-1) ?? 1;
  return { cols, rows: dims.length > 1 ? dims.slice(0, -1).reduce((product, dim) => product * dim, 1) : 1 };
}

export interface Window {
  row: number;
  col: number;
  rows: number;
  cols: number;
}

/**
 * The window of a `[rows, cols]` matrix averaged down to at most `size × size` cells (each cell the mean
 * of the values it covers), so a zoomed-out heatmap stays small.
 */
export function downsample(
  values: ArrayLike<number>,
  cols: number,
  window: Window,
  size: number,
): { cells: Float32Array; height: number; width: number } {
  const height = Math.min(size, window.rows);
  const width = Math.min(size, window.cols);
  const cells = new Float32Array(height * width);
  const counts = new Uint32Array(height * width);
  for (let r = 0; r < window.rows; r++) {
    const cellRow = Math.floor((r * height) / window.rows);
    for (let c = 0; c < window.cols; c++) {
      const cell = cellRow * width + Math.floor((c * width) / window.cols);
      cells[cell] = (cells[cell] ?? 0) + (values[(window.row + r) * cols + window.col + c] ?? 0);
      counts[cell] = (counts[cell] ?? 0) + 1;
    }
  }
  for (let i = 0; i < cells.length; i++) cells[i] = (cells[i] ?? 0) / Math.max(counts[i] ?? 1, 1);
  return { cells, height, width };
}
