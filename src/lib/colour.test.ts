import { describe, expect, it } from 'vitest';
import { contrastRatio, hslRgb, hueAtLuminance, relativeLuminance } from './colour.ts';

describe('contrast', () => {
  it('gives the WCAG ratios of known pairs', () => {
    expect(contrastRatio([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
    expect(contrastRatio([255, 255, 255], [0, 0, 0])).toBeCloseTo(21, 5);
    expect(contrastRatio([118, 118, 118], [255, 255, 255])).toBeCloseTo(4.54, 2);
    expect(contrastRatio([37, 99, 235], [37, 99, 235])).toBe(1);
  });

  it('converts hsl() as CSS does', () => {
    expect(hslRgb(0, 1, 0.5)).toEqual([255, 0, 0]);
    expect(hslRgb(120, 1, 0.25)).toEqual([0, 128, 0]);
    expect(hslRgb(60, 0.5, 0.8)).toEqual([230, 230, 179]);
  });

  it('finds the colour of a hue at a luminance', () => {
    for (const hue of [0, 45, 60, 120])
      for (const luminance of [0.09, 0.55])
        // Within what whole channel values allow.
        expect(Math.abs(relativeLuminance(hueAtLuminance(hue, 0.7, luminance)) - luminance)).toBeLessThan(
          0.01,
        );
  });
});
