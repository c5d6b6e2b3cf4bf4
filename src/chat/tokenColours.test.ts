import { describe, expect, it } from 'vitest';
import { contrastRatio, relativeLuminance, type ColourScheme } from '../lib/colour.ts';
import { ENTROPY_SCALE_BITS, surenessOf, tokenColours } from './tokenColours.ts';

const SCHEMES: ColourScheme[] = ['light', 'dark'];
const sweep = Array.from({ length: 1001 }, (_, index) => index / 1000);

describe('token colours', () => {
  it.each(SCHEMES)('keep text at WCAG AA (4.5:1) or better over the whole scale, %s scheme', (scheme) => {
    const worst = Math.min(
      ...sweep.map((sureness) => {
        const { background, text } = tokenColours(sureness, scheme);
        return contrastRatio(text, background);
      }),
    );
    expect(worst).toBeGreaterThanOrEqual(4.5);
  });

  it('are pale behind dark text on a light page and deep behind light text on a dark one', () => {
    const light = tokenColours(0.5, 'light');
    const dark = tokenColours(0.5, 'dark');
    expect(relativeLuminance(light.background)).toBeGreaterThan(0.4);
    expect(relativeLuminance(light.text)).toBeLessThan(0.05);
    expect(relativeLuminance(dark.background)).toBeLessThan(0.15);
    expect(relativeLuminance(dark.text)).toBeGreaterThan(0.9);
  });

  it('go from red (unsure) through yellow to green (sure)', () => {
    for (const scheme of SCHEMES) {
      const [red, yellow, green] = [0, 0.5, 1].map((sureness) => tokenColours(sureness, scheme).background);
      expect(red?.[0]).toBeGreaterThan(red?.[1] ?? Infinity);
      expect(Math.abs((yellow?.[0] ?? 0) - (yellow?.[1] ?? 0))).toBeLessThan(8);
      expect(green?.[1]).toBeGreaterThan(green?.[0] ?? Infinity);
    }
  });

  it('read sureness from the probability or from the entropy', () => {
    const step = { id: 1, text: 'a', prob: 0.8, entropyBits: ENTROPY_SCALE_BITS / 4, candidates: [] };
    expect(surenessOf(step, 'probability')).toBe(0.8);
    expect(surenessOf(step, 'entropy')).toBe(0.75);
    expect(surenessOf({ ...step, entropyBits: 20 }, 'entropy')).toBe(0);
    expect(surenessOf(step, 'none')).toBeNull();
  });
});
