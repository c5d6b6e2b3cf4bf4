import { defineConfig } from '@playwright/test';
import { CHROMIUM_PATH, QUIET_CHROMIUM_ARGS } from './e2e/chromium.ts';
import type { BackendOption } from './e2e/fixtures.ts';

const PORT = Number(process.env.E2E_PORT ?? 4173);

// WebGPU on a CPU-only machine: SwiftShader's software adapter (correct, slow).
const webgpu = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];

export default defineConfig<BackendOption>({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: 'retain-on-failure',
    // The service worker reloads a page the first time it takes control; e2e/pwa.spec.ts allows it.
    serviceWorkers: 'block',
  },
  projects: [
    {
      name: 'wasm',
      use: { backend: 'wasm', launchOptions: { executablePath: CHROMIUM_PATH, args: QUIET_CHROMIUM_ARGS } },
    },
    {
      name: 'webgpu',
      use: {
        backend: 'webgpu',
        launchOptions: { executablePath: CHROMIUM_PATH, args: [...QUIET_CHROMIUM_ARGS, ...webgpu] },
      },
    },
  ],
  webServer: {
    // The built app, as `npm start` serves it (with COOP/COEP); `npm test` builds it first.
    command: `npx vite preview --port ${PORT} --strictPort --host localhost`,
    url: `http://localhost:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
