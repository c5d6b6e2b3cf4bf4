/**
 * Where the benchmark works: the repository root (commands run there), the forged models and the results.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const MODELS = join(ROOT, 'bench', 'models');
export const RESULTS = join(ROOT, 'bench', 'results');
