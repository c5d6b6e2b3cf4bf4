/**
 * Axes around a plot drawn on a canvas: a title and ticks on the left (y) and below (x), in HTML so the
 * text is sized in rem and grows with the page on a projector. Ticks sit at a fraction of the plot's
 * width (x, from the left) or height (y, from the top); `width` is the plot's width in pixels when it
 * is narrower than its column (a square heatmap), so the x ticks line up with it.
 *
 *   <PlotFrame x={{ title: 'Weight value', ticks: [{ at: 0.5, label: '0' }] }} y={{ title: 'Count' }}>
 *     <div className="canvas-box"><canvas ref={canvas} /></div>
 *   </PlotFrame>
 */
import type { CSSProperties, ReactNode } from 'react';
import './plots.css';

export interface Tick {
  /** 0 to 1: from the plot's left edge (x) or its top edge (y). */
  at: number;
  label: string;
}

export interface Axis {
  title: string;
  ticks?: readonly Tick[];
}

/** Ticks at the ends are aligned inwards, so their labels do not run past the axis. */
const alignOf = (at: number) => (at < 0.05 ? 'start' : at > 0.95 ? 'end' : 'middle');

export function PlotFrame({
  x,
  y,
  width,
  children,
}: {
  x: Axis;
  y: Axis;
  width?: number;
  children: ReactNode;
}) {
  const labelLength = Math.max(0, ...(y.ticks ?? []).map((tick) => tick.label.length));
  return (
    <div className="plot-frame">
      <div className="plot-axis-y" data-testid="y-axis">
        <span className="plot-axis-title">{y.title}</span>
        {y.ticks && (
          <div className="plot-ticks-y" style={{ width: `calc(${labelLength}ch + 0.6rem)` }}>
            {y.ticks.map((tick) => (
              <span
                key={`${tick.at}:${tick.label}`}
                className="plot-tick"
                data-testid="tick"
                style={{ top: `${tick.at * 100}%` }}
              >
                {tick.label}
              </span>
            ))}
          </div>
        )}
      </div>
      <div className="plot-area">{children}</div>
      <div className="plot-axis-x" data-testid="x-axis" style={width ? { width } : undefined}>
        {x.ticks && (
          <div className="plot-ticks-x">
            {x.ticks.map((tick) => (
              <span
                key={`${tick.at}:${tick.label}`}
                className="plot-tick"
                data-testid="tick"
                data-align={alignOf(tick.at)}
                style={{ left: `${tick.at * 100}%` }}
              >
                {tick.label}
              </span>
            ))}
          </div>
        )}
        <span className="plot-axis-title">{x.title}</span>
      </div>
    </div>
  );
}

/**
 * Where a plot's tooltip goes: beside the point, towards the plot's middle, so it neither covers the
 * point nor runs past the plot's edge. `x` and `y` are the point's pixels from the plot's top left corner,
 * `width` and `height` the plot's size.
 */
export function tipPlacement(x: number, y: number, width: number, height: number): CSSProperties {
  const gap = 12;
  const [left, up] = [x > width / 2, y > height / 2];
  return {
    left: x + (left ? -gap : gap),
    top: y + (up ? -gap : gap),
    transform: `translate(${left ? '-100%' : '0'}, ${up ? '-100%' : '0'})`,
  };
}
