/**
 * What the screenshot command needs before it starts a browser, each missing piece said with the command
 * that makes it: the built app, the forged demo models inside it, a build no older than the source (old
 * pictures of a changed app are what the command exists to prevent), and Chromium.
 *
 *   missingPrerequisites({ root: '.', chromium: '/usr/bin/chromium' }) // → [] when all is there
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The demo models the screenshots show, forged by `npm run forge` into public/models. */
export const DEMO_MODELS = ['glassbox/tiny-chat', 'glassbox/tiny-embed'] as const;

/** What the build is made from: a change to any of them means dist/ shows an older app. */
const SOURCES = ['src', 'index.html', 'vite.config.ts'];

const modelConfig = (modelsDir: string, id: string) => join(modelsDir, id, 'resolve', 'main', 'config.json');

/** The newest file under `path` (a file or a folder), or null when there is none. */
function newestFile(path: string): { path: string; mtimeMs: number } | null {
  if (!existsSync(path)) return null;
  const info = statSync(path);
  if (!info.isDirectory()) return { path, mtimeMs: info.mtimeMs };
  let newest: { path: string; mtimeMs: number } | null = null;
  for (const entry of readdirSync(path)) {
    const candidate = newestFile(join(path, entry));
    if (candidate && (!newest || candidate.mtimeMs > newest.mtimeMs)) newest = candidate;
  }
  return newest;
}

export function missingPrerequisites(options: { root: string; chromium: string }): string[] {
  const { root, chromium } = options;
  const problems: string[] = [];
  const builtIndex = join(root, 'dist', 'index.html');
  if (!existsSync(builtIndex)) {
    problems.push('No built app in dist/: run `npm run build` first.');
  } else {
    const built = statSync(builtIndex).mtimeMs;
    const newer = SOURCES.map((source) => newestFile(join(root, source))).find(
      (file) => file !== null && file.mtimeMs > built,
    );
    if (newer) {
      problems.push(
        `dist/ is older than the source (${relative(root, newer.path)} changed since): run \`npm run build\` first, or the pictures show the old app.`,
      );
    }
    const unforged = DEMO_MODELS.filter((id) => !existsSync(modelConfig(join(root, 'public', 'models'), id)));
    const unbuilt = DEMO_MODELS.filter((id) => !existsSync(modelConfig(join(root, 'dist', 'models'), id)));
    if (unforged.length > 0) {
      problems.push(
        `The forged demo models are missing (${unforged.join(', ')}): run \`npm run forge\`, then \`npm run build\`.`,
      );
    } else if (unbuilt.length > 0) {
      problems.push(
        `The build holds no copy of ${unbuilt.join(', ')} (it was built before \`npm run forge\`): run \`npm run build\` again.`,
      );
    }
  }
  if (!existsSync(chromium)) {
    problems.push(
      `No Chromium at ${chromium}: install it (on Debian, \`apt-get install chromium\`) or set CHROMIUM_PATH to its binary.`,
    );
  }
  return problems;
}
