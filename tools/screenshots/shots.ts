/**
 * The README's screenshots: one per panel and theme, at a laptop's size, kept in docs/screenshots. The
 * screenshot command writes them and the README test checks that none is missing.
 *
 *   screenshotFile('chat', 'dark') // → 'docs/screenshots/chat-dark.png'
 */
import type { Panel } from '../../src/app/deepLink.ts';

// The app's own list: a new panel needs its picture (the command's steps are keyed by it).
export { PANELS, type Panel } from '../../src/app/deepLink.ts';

export const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export const SCREENSHOT_DIR = 'docs/screenshots';

/** A 1280×800 laptop, where the chat's message box must be in view (layout e2e). */
export const VIEWPORT = { width: 1280, height: 800 } as const;

/** Relative to the repository root, as the README links it. */
export function screenshotFile(panel: Panel, theme: Theme): string {
  return `${SCREENSHOT_DIR}/${panel}-${theme}.png`;
}
