import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATION, SAMPLING_SETTINGS, clampSetting, type NumericSetting } from './sampling.ts';

describe('sampling settings', () => {
  it('keeps every value within its range and whole numbers whole', () => {
    expect(clampSetting('temperature', 9)).toBe(2);
    expect(clampSetting('topK', -3)).toBe(0);
    expect(clampSetting('maxNewTokens', 12.6)).toBe(13);
    expect(clampSetting('seed', Number.NaN)).toBe(DEFAULT_GENERATION.seed);
  });

  it('has defaults inside their ranges and an explanation for each setting', () => {
    for (const [name, spec] of Object.entries(SAMPLING_SETTINGS) as [
      NumericSetting,
      (typeof SAMPLING_SETTINGS)[NumericSetting],
    ][]) {
      expect(DEFAULT_GENERATION[name]).toBeGreaterThanOrEqual(spec.min);
      expect(DEFAULT_GENERATION[name]).toBeLessThanOrEqual(spec.max);
      expect(spec.explanation.length).toBeGreaterThan(20);
    }
  });
});
