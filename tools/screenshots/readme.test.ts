/**
 * The README's screenshots cannot go stale unnoticed or be dropped: every picture it shows is in the
 * repository, and every panel has its picture in both themes, shown by the README, at the size the
 * screenshot command takes (a PNG's IHDR chunk holds its width and height).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PANELS, THEMES, VIEWPORT, screenshotFile } from './shots.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(`${ROOT}README.md`, 'utf8');

/** The local images the README shows or links: Markdown images and links, and HTML `src`/`href`. */
function readmeImages(): string[] {
  const targets = [
    ...README.matchAll(/\]\(([^)\s]+\.(?:png|jpe?g|gif|svg|webp))\)/gi),
    ...README.matchAll(/\b(?:src|href)="([^"]+\.(?:png|jpe?g|gif|svg|webp))"/gi),
  ].map((match) => match[1] ?? '');
  return [...new Set(targets.filter((target) => !/^[a-z]+:/i.test(target)))];
}

function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(1, 4).toString('ascii'), `${path} is a PNG`).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('README screenshots', () => {
  it('every image the README shows is in the repository', () => {
    const images = readmeImages();
    expect(images.length).toBeGreaterThan(0);
    expect(images.filter((image) => !existsSync(`${ROOT}${image}`))).toEqual([]);
  });

  const SHOTS = PANELS.flatMap((panel) => THEMES.map((theme) => screenshotFile(panel, theme)));
  it.each(SHOTS)('%s is there, at the command’s size, and the README shows it', (file) => {
    expect(existsSync(`${ROOT}${file}`), `${file}: run npm run build && npm run screenshots`).toBe(true);
    expect(pngSize(`${ROOT}${file}`)).toEqual(VIEWPORT);
    expect(readmeImages()).toContain(file);
  });
});
