/** Colour scales shared by the heatmaps. */

/** RGB of a value in [-1, 1] (a cosine, a scaled weight): white at 0, blue towards 1, red towards -1. */
export function divergingRgb(value: number): [number, number, number] {
  const strength = Math.min(1, Math.abs(value));
  const [r, g, b] = value >= 0 ? [37, 99, 235] : [220, 38, 38];
  return [255 + (r - 255) * strength, 255 + (g - 255) * strength, 255 + (b - 255) * strength].map(
    Math.round,
  ) as [number, number, number];
}
