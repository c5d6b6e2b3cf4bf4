/**
 * The key of a colour plot or of coloured text: a gradient bar in the plot's own colours (by default `divergingRgb`, red
 * through white to blue) with its lowest, middle and highest values written under it and a caption
 * saying what the colour measures.
 *
 *   <ColourScale min={-1} max={1} caption="Cosine similarity" meanings={['opposite', 'unrelated', 'similar']} />
 */
import { cssRgb, divergingRgb, type Rgb } from '../lib/colour.ts';
import { formatTick } from '../lib/ticks.ts';
import './plots.css';

const STOPS = 9;

const diverging = (fraction: number) => divergingRgb(fraction * 2 - 1);

export function ColourScale({
  min,
  max,
  caption,
  meanings,
  format = formatTick,
  colourAt = diverging,
  colourNames = ['red', 'white', 'blue'],
}: {
  /** The value at the bar's left end (full red by default). */
  min: number;
  /** The value at the bar's right end (full blue by default; white is halfway). */
  max: number;
  /** What the colour measures: "Cosine similarity". */
  caption: string;
  /** Words under the three values: ['opposite', 'unrelated', 'similar']. */
  meanings?: readonly [string, string, string];
  format?: (value: number) => string;
  /** The colour at `fraction` of the way from the left end (0) to the right (1). */
  colourAt?: (fraction: number) => Rgb;
  /** The colours at the left end, the middle and the right end, named for the bar's description. */
  colourNames?: readonly [string, string, string];
}) {
  const values = [min, (min + max) / 2, max].map((value) => format(value));
  // Sampled evenly; between stops the browser blends as the plots do.
  const gradient = `linear-gradient(to right, ${Array.from(
    { length: STOPS },
    (_, index) => `${cssRgb(colourAt(index / (STOPS - 1)))} ${((index / (STOPS - 1)) * 100).toFixed(1)}%`,
  ).join(', ')})`;
  const [left, middle, right] = colourNames;
  return (
    <div className="colour-scale" data-testid="colour-scale">
      <div
        className="colour-scale-bar"
        role="img"
        aria-label={`Colour scale of ${caption.toLowerCase()}: ${left} ${values[0]}, ${middle} ${values[1]}, ${right} ${values[2]}`}
        style={{ backgroundImage: gradient }}
      />
      <div className="colour-scale-values">
        {values.map((value, index) => (
          <span key={index}>
            <span data-testid="colour-scale-value">{value}</span>
            {meanings && <span className="colour-scale-meaning">{meanings[index]}</span>}
          </span>
        ))}
      </div>
      <p className="colour-scale-caption">{caption}</p>
    </div>
  );
}
