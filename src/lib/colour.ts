/** Colour scales shared by the heatmaps and the token view, and the WCAG contrast their text is held to. */

/** An sRGB colour, each channel 0–255. */
export type Rgb = [number, number, number];

/** The colour scheme the page is drawn in: the theme chosen, or the system's. */
export type ColourScheme = 'light' | 'dark';

/** RGB of a value in [-1, 1] (a cosine, a scaled weight): white at 0, blue towards 1, red towards -1. */
export function divergingRgb(value: number): Rgb {
  const strength = Math.min(1, Math.abs(value));
  const [r, g, b] = value >= 0 ? [37, 99, 235] : [220, 38, 38];
  return [255 + (r - 255) * strength, 255 + (g - 255) * strength, 255 + (b - 255) * strength].map(
    Math.round,
  ) as Rgb;
}

/** cssRgb([37, 99, 235]) → "rgb(37, 99, 235)". */
export const cssRgb = ([r, g, b]: Rgb): string => `rgb(${r}, ${g}, ${b})`;

/** The sRGB colour of a hue in degrees, with saturation and lightness in [0, 1] (CSS `hsl()`). */
export function hslRgb(hue: number, saturation: number, lightness: number): Rgb {
  const amount = saturation * Math.min(lightness, 1 - lightness);
  const channel = (offset: number) => {
    const k = (offset + hue / 30) % 12;
    return Math.round(255 * (lightness - amount * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [channel(0), channel(8), channel(4)];
}

/** WCAG 2 relative luminance: 0 for black, 1 for white. */
export function relativeLuminance(colour: Rgb): number {
  const [r, g, b] = colour.map((channel) => {
    const value = channel / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two colours: 1 (the same) to 21 (black on white); AA asks 4.5 of text. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [
    number,
    number,
  ];
  return (light + 0.05) / (dark + 0.05);
}

/**
 * The colour of `hue` and `saturation` whose relative luminance is `luminance` (as near as sRGB allows):
 * colours of different hues alike in lightness, where equal `hsl()` lightness makes yellow far brighter
 * than red.
 */
export function hueAtLuminance(hue: number, saturation: number, luminance: number): Rgb {
  let [low, high] = [0, 1];
  // Luminance grows with lightness: halve the interval until it is finer than one channel step.
  for (let step = 0; step < 12; step++) {
    const middle = (low + high) / 2;
    if (relativeLuminance(hslRgb(hue, saturation, middle)) < luminance) low = middle;
    else high = middle;
  }
  return hslRgb(hue, saturation, (low + high) / 2);
}
