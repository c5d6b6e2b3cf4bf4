/**
 * The colours of a reply's tokens: how sure the model was, from red (unsure) through yellow to green
 * (sure), pale on a light page and deep on a dark one. Every background of a scheme has one luminance, so
 * only the hue tells them apart, and the text on it is whichever of a dark and a light text colour
 * contrasts more: at least 4.5:1 (WCAG AA) across the whole scale in both schemes (tokenColours.test.ts).
 *
 *   tokenColours(surenessOf(step, 'probability'), 'dark') // → { background: [...], text: [249, 250, 251] }
 */
import type { TokenStep } from '../engine/protocol.ts';
import { contrastRatio, hueAtLuminance, type ColourScheme, type Rgb } from '../lib/colour.ts';
import type { TokenColouring } from './types.ts';

/** Entropy at which a token counts as a wild guess for the colour scale: spread over 64+ equally likely tokens. */
export const ENTROPY_SCALE_BITS = 6;

/** Per scheme, the backgrounds' saturation and luminance: far enough from the text's for AA, near the page's. */
const BACKGROUNDS: Record<ColourScheme, { saturation: number; luminance: number }> = {
  light: { saturation: 0.75, luminance: 0.6 },
  dark: { saturation: 0.55, luminance: 0.09 },
};

/** The text colours a token may take: near black and near white. */
const TEXTS: readonly Rgb[] = [
  [17, 24, 39],
  [249, 250, 251],
];

/** How sure the model was of a token, 0 to 1, by the colouring chosen; null when tokens are not coloured. */
export function surenessOf(step: TokenStep, colouring: TokenColouring): number | null {
  if (colouring === 'none') return null;
  return colouring === 'probability' ? step.prob : 1 - Math.min(step.entropyBits / ENTROPY_SCALE_BITS, 1);
}

/** The colours of each whole hue from red (0) to green (120), per scheme: built once, read per token. */
const TABLES: Partial<Record<ColourScheme, { background: Rgb; text: Rgb }[]>> = {};

function coloursAtHue(hue: number, scheme: ColourScheme): { background: Rgb; text: Rgb } {
  const { saturation, luminance } = BACKGROUNDS[scheme];
  const background = hueAtLuminance(hue, saturation, luminance);
  const [dark, light] = TEXTS as [Rgb, Rgb];
  return {
    background,
    text: contrastRatio(dark, background) >= contrastRatio(light, background) ? dark : light,
  };
}

/** The background of `sureness` (0 to 1) in `scheme`, and the text colour that reads best on it. */
export function tokenColours(sureness: number, scheme: ColourScheme): { background: Rgb; text: Rgb } {
  const table = (TABLES[scheme] ??= Array.from({ length: 121 }, (_, hue) => coloursAtHue(hue, scheme)));
  return table[Math.round(Math.min(Math.max(sureness, 0), 1) * 120)] as { background: Rgb; text: Rgb };
}
