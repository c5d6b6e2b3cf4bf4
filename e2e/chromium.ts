/**
 * The Chromium the e2e tests and the benchmark drive: Debian's (never a Playwright download; this machine
 * and CI are offline), started so that it does not call home.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// The e2e run asserts that no request leaves localhost.
export const QUIET_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-default-apps',
  '--disable-domain-reliability',
];
