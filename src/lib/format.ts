/** Small display formatters shared by the panels. */

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** formatBytes(1536) → "1.5 KB" (decimal units, as browsers and the Hub show sizes). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : 1)} ${BYTE_UNITS[unit]}`;
}

/** formatCount(135_000_000) → "135.0M". */
export function formatCount(count: number): string {
  if (count >= 1e9) return `${(count / 1e9).toFixed(2)}B`;
  if (count >= 1e6) return `${(count / 1e6).toFixed(1)}M`;
  if (count >= 1e3) return `${(count / 1e3).toFixed(1)}K`;
  return String(count);
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** plural(1, 'token') → "1 token"; plural(3, 'token') → "3 tokens"; the count in en-US digits. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : nouns}`;
}

/**
 * formatRate(38.24) → "38.2 tok/s"; "—" where no rate was measured (one token, or none, decodes in no
 * time that can be divided by), rather than a "0.0 tok/s" that is not true.
 */
export function formatRate(tokensPerSecond: number): string {
  return Number.isFinite(tokensPerSecond) && tokensPerSecond > 0
    ? `${tokensPerSecond.toFixed(1)} tok/s`
    : '—';
}
