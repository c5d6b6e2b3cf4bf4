/**
 * Round values for a plot's axis ticks: steps of 1, 2 or 5 × 10ⁿ, inside the range, about `count` of
 * them (never fewer than two while the range allows), so a reader can interpolate between them.
 *
 *   niceTicks(-0.37, 0.52, 5) // → [-0.2, 0, 0.2, 0.4]
 *   niceTicks(0, 6, 10, { integers: true }) // → [0, 1, 2, 3, 4, 5, 6]
 */
export function niceTicks(min: number, max: number, count: number, { integers = false } = {}): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return [];
  if (max === min) return [min];
  const raw = (max - min) / Math.max(1, count);
  let exponent = Math.floor(Math.log10(raw));
  const residual = raw / 10 ** exponent;
  let mantissa = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10;
  const stepOf = () => Math.max(integers ? 1 : 0, mantissa * 10 ** exponent);
  let ticks = multiples(min, max, stepOf());
  // A round step can leave one multiple in the range (only 0 between -0.46 and 0.46 in steps of 0.5):
  // step down the ladder 10, 5, 2, 1, 0.5 … until the axis has two.
  while (ticks.length < 2 && !(integers && stepOf() === 1)) {
    if (mantissa === 1) [mantissa, exponent] = [5, exponent - 1];
    else mantissa = mantissa === 10 ? 5 : mantissa === 5 ? 2 : 1;
    ticks = multiples(min, max, stepOf());
  }
  return ticks;
}

/** Multiples of `step` in [min, max], rounded to the step's decimals (0.1 × 3 reads 0.3, -0 reads 0). */
function multiples(min: number, max: number, step: number): number[] {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks: number[] = [];
  // The slack keeps an end that is a multiple (0.7 / 0.1 = 6.999…).
  for (let k = Math.ceil(min / step - 1e-9); k <= Math.floor(max / step + 1e-9); k++) {
    ticks.push(Number((k * step).toFixed(decimals)) + 0);
  }
  return ticks;
}

/** A tick's label: short, no trailing zeros (0.25, -3, 1e-7). */
export function formatTick(value: number): string {
  return String(Number(value.toPrecision(3)) + 0);
}
