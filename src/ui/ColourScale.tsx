/**
 * The key of a diverging-colour plot: a gradient bar in the plot's own colours (`divergingRgb`, red
 * through white to blue) with its lowest, middle and highest values written under it and a caption
 * saying what the colour measures.
 *
 *   <ColourScale min={-1} max={1} caption="Cosine similarity" meanings={['opposite', 'unrelated', 'similar']} />
 */
import { divergingRgb } from '../lib/colour.ts';
import { formatTick } from '../lib/ticks.ts';
import './plots.css';

const STOPS = 9;

/** The bar: `divergingRgb` sampled evenly from -1 to 1; between stops the browser blends as the plots do. */
const GRADIENT = `linear-gradient(to right, ${Array.from({ length: STOPS }, (_, index) => {
  const [r, g, b] = divergingRgb((index / (STOPS - 1)) * 2 - 1);
  return `rgb(${r}, ${g}, ${b}) ${((index / (STOPS - 1)) * 100).toFixed(1)}%`;
}).join(', ')})`;

export function ColourScale({
  min,
  max,
  caption,
  meanings,
  format = formatTick,
}: {
  /** The value coloured full red (the bar's left end). */
  min: number;
  /** The value coloured full blue (the bar's right end); white is halfway. */
  max: number;
  /** What the colour measures: "Cosine similarity". */
  caption: string;
  /** Words under the three values: ['opposite', 'unrelated', 'similar']. */
  meanings?: readonly [string, string, string];
  format?: (value: number) => string;
}) {
  const values = [min, (min + max) / 2, max].map((value) => format(value));
  return (
    <div className="colour-scale" data-testid="colour-scale">
      <div
        className="colour-scale-bar"
        role="img"
        aria-label={`Colour scale of ${caption.toLowerCase()}: red ${values[0]}, white ${values[1]}, blue ${values[2]}`}
        style={{ backgroundImage: GRADIENT }}
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
