import { defineConfig } from 'vitest/config';

// Unit tests: pure logic in src/ and the forge in tools/ (Node environment; the forge tests run onnxruntime-node).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tools/**/*.test.ts', 'bench/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
