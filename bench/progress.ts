/**
 * The benchmark's progress lines, each stamped with the minutes since it started.
 *
 *   say('building the app'); // → bench [0.3 min]: building the app
 */
const startedAt = Date.now();

export const minutesSinceStart = () => (Date.now() - startedAt) / 60_000;

export const say = (line: string) =>
  process.stdout.write(`bench [${minutesSinceStart().toFixed(1)} min]: ${line}\n`);

/** One figure per run, for a progress line: `34.0/33.8/34.2`. */
export const perRun = (values: readonly number[], digits: number, separator = '/') =>
  values.map((value) => value.toFixed(digits)).join(separator);
