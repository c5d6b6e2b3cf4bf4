/**
 * The options of `npm run bench`: timed runs per figure, and the dtypes and WASM thread count of a partial run.
 *
 *   parseOptions(['--runs', '5', '--dtypes', 'fp32,q8']) // → { help: false, runs: 5, dtypes: ['fp32', 'q8'], threads: null }
 */
import { DTYPES, type Dtype } from '../src/core/model.ts';

export interface Options {
  /** `--help`: print the usage and run nothing. */
  help: boolean;
  runs: number;
  /** Only these dtypes (a partial run), else all. */
  dtypes: Dtype[] | null;
  /** Only WASM with this many threads (a partial run), else 1 and all. */
  threads: number | null;
}

export const USAGE = `usage: npm run bench [-- [--runs N] [--dtypes LIST] [--threads N]]
  --runs N        timed runs per figure, after one warm-up (3 by default, at least 3)
  --dtypes LIST   a partial run: only these dtypes (comma-separated: ${DTYPES.join(', ')})
  --threads N     a partial run: only WASM with N threads
`;

export function parseOptions(argv: readonly string[]): Options {
  const value = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? (argv[at + 1] ?? '') : null;
  };
  const help = argv.includes('--help') || argv.includes('-h');
  const runs = Number(value('--runs') ?? 3);
  if (!Number.isInteger(runs) || runs < 3) throw new Error('--runs needs a whole number of at least 3.');
  const dtypes = value('--dtypes')?.split(',') ?? null;
  if (dtypes?.some((dtype) => !(DTYPES as readonly string[]).includes(dtype)))
    throw new Error(`--dtypes takes a comma-separated list of ${DTYPES.join(', ')}.`);
  const threads = value('--threads') === null ? null : Number(value('--threads'));
  if (threads !== null && !(Number.isInteger(threads) && threads > 0))
    throw new Error('--threads needs a whole number of at least 1.');
  return { help, runs, dtypes: dtypes as Dtype[] | null, threads };
}
