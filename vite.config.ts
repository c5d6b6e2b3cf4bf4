import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { ISOLATION_HEADERS, contentSecurityPolicy, metaContentSecurityPolicy } from './src/pwa/policy.ts';

// The dev and preview servers send what the service worker adds on any static host: cross-origin
// isolation (WASM threads) and the CSP. They also allow local mirrors (`npm run mirror`, the tests'),
// which a deployed app's service worker allows only once a mirror is set.
const headers = {
  ...ISOLATION_HEADERS,
  'Content-Security-Policy': contentSecurityPolicy(['http://localhost:*', 'http://127.0.0.1:*']),
};

export default defineConfig({
  plugins: [
    react(),
    {
      // The built page carries its own policy, for hosts that send none (policy.ts).
      name: 'glassbox-csp-meta',
      apply: 'build',
      transformIndexHtml: () => [
        {
          tag: 'meta',
          attrs: { 'http-equiv': 'Content-Security-Policy', content: metaContentSecurityPolicy() },
          injectTo: 'head-prepend',
        },
      ],
    },
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/pwa',
      filename: 'sw.ts',
      injectRegister: false,
      manifest: {
        name: 'Glassbox',
        short_name: 'Glassbox',
        description: 'Small open AI models running inside your browser tab, opened up.',
        theme_color: '#3b82f6',
        background_color: '#ffffff',
        display: 'standalone',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // The app shell and onnxruntime-web's wasm; models live in the app's own store, never here.
        globPatterns: ['**/*.{js,mjs,css,html,svg,png,wasm,webmanifest}'],
        globIgnores: ['models/**'],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
      },
    }),
  ],
  // 'mpa': no index.html fallback, so a missing model file answers 404 (transformers.js would
  // otherwise try to parse index.html as JSON) while `/` still serves the app.
  appType: 'mpa',
  server: { headers },
  preview: { headers },
  worker: { format: 'es' },
  // transformers.js ships pre-bundled ESM with dynamic wasm imports that the dev optimizer mangles.
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 1500 },
});
