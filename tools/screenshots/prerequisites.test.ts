import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_MODELS, missingPrerequisites } from './prerequisites.ts';

let root = '';
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, ageSeconds = 0): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '');
  const time = Date.now() / 1000 - ageSeconds;
  utimesSync(file, time, time);
}

/** A checkout with the source, the forged models and a build after both, less what `without` names. */
function checkout(without: readonly string[] = []): { root: string; chromium: string } {
  root = mkdtempSync(join(tmpdir(), 'glassbox-shots-'));
  const files: [path: string, ageSeconds: number][] = [
    ['src/main.tsx', 60],
    ['index.html', 60],
    ...DEMO_MODELS.flatMap((id): [string, number][] => [
      [`public/models/${id}/resolve/main/config.json`, 60],
      [`dist/models/${id}/resolve/main/config.json`, 10],
    ]),
    ['dist/index.html', 10],
    ['chromium', 60],
  ];
  for (const [path, age] of files) if (!without.includes(path)) write(path, age);
  return { root, chromium: join(root, 'chromium') };
}

describe('what the screenshot command needs', () => {
  it('asks for nothing when the build, the models and Chromium are there', () => {
    expect(missingPrerequisites(checkout())).toEqual([]);
  });

  const CASES: { name: string; without: string[]; touch?: string; says: RegExp }[] = [
    { name: 'no build', without: ['dist/index.html'], says: /No built app in dist\/: run `npm run build`/ },
    {
      name: 'a build older than the source',
      without: [],
      touch: 'src/app/styles.css',
      says: /src\/app\/styles\.css changed since\): run `npm run build`/,
    },
    {
      name: 'models never forged',
      without: DEMO_MODELS.flatMap((id) => [
        `public/models/${id}/resolve/main/config.json`,
        `dist/models/${id}/resolve/main/config.json`,
      ]),
      says: /glassbox\/tiny-chat, glassbox\/tiny-embed\): run `npm run forge`, then `npm run build`/,
    },
    {
      name: 'models forged after the build',
      without: ['dist/models/glassbox/tiny-embed/resolve/main/config.json'],
      says: /no copy of glassbox\/tiny-embed .*run `npm run build` again/,
    },
    { name: 'no Chromium', without: ['chromium'], says: /No Chromium at .*set CHROMIUM_PATH/ },
  ];
  it.each(CASES)('$name: says what to run', ({ without, touch, says }) => {
    const paths = checkout(without);
    if (touch) write(touch);
    const problems = missingPrerequisites(paths);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(says);
  });
});
