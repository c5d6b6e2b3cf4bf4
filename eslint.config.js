import js from '@eslint/js';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, top to bottom: app → features → session → ui, engine, hub, pwa → core → lib.
 * Each folder may import itself and the folders listed here, nothing else: imports go down, never up,
 * and features never import each other. Since every folder's list holds only folders below it, the
 * folders cannot form a cycle; import-x/no-cycle below rules out cycles between files.
 */
const FEATURES = ['chat', 'embeddings', 'inspector', 'models', 'storage', 'network'];
const BELOW_FEATURES = ['session', 'ui', 'engine', 'hub', 'pwa', 'core', 'lib'];
const LAYERS = {
  lib: [],
  core: ['lib'],
  hub: ['core', 'lib'],
  pwa: ['core', 'lib'],
  engine: ['hub', 'core', 'lib'],
  ui: ['core', 'lib'],
  session: ['ui', 'engine', 'hub', 'pwa', 'core', 'lib'],
  ...Object.fromEntries(FEATURES.map((feature) => [feature, BELOW_FEATURES])),
};

const layerZones = Object.entries(LAYERS).map(([folder, below]) => ({
  target: `./src/${folder}`,
  from: './src',
  except: [`./${folder}`, ...below.map((name) => `./${name}`)],
  message: `src/${folder} may import only ${below.length ? below.map((name) => `src/${name}`).join(', ') : 'itself'} (see docs/ARCHITECTURE.md, "Layers").`,
}));

/** The page never imports the engine worker's side (its entry, tasks/ and worker/). */
const PAGE_SIDE = ['./src/!(engine)/**', './src/engine/!(worker).ts'];
const WORKER_SIDE_MESSAGE =
  'The page never imports the engine worker’s side: call it through engine/client.ts.';

export default tseslint.config(
  { ignores: ['dist', 'public/models', 'bench/models', 'e2e/models', 'test-results', 'playwright-report'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 2022, globals: { ...globals.browser, ...globals.node } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver()],
      // The cycle check reads the imported files too: they are TypeScript.
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // Packages first, then the tree's own modules by path: a file's imports read top to bottom, layer by layer.
      'import-x/order': [
        'error',
        {
          groups: ['builtin', 'external', ['parent', 'sibling', 'index']],
          alphabetize: { order: 'asc', caseInsensitive: true },
          'newlines-between': 'never',
        },
      ],
    },
  },
  {
    files: ['src/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...layerZones,
            { target: PAGE_SIDE, from: './src/engine/worker.ts', message: WORKER_SIDE_MESSAGE },
            {
              target: PAGE_SIDE,
              from: ['./src/engine/worker/**', './src/engine/tasks/**'],
              message: WORKER_SIDE_MESSAGE,
            },
            {
              target: './src/engine/worker/**',
              from: './src/engine/tasks/**',
              message: 'engine/worker/ serves the tasks; it never imports them.',
            },
            {
              target: './src/engine',
              from: ['./src/hub/catalog*.ts', './src/hub/resolve*.ts'],
              message: 'The catalog is the page’s: the engine worker gets what it needs in its requests.',
            },
          ],
        },
      ],
    },
  },
  {
    // The worker boundary: UI code never imports the inference runtimes.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/engine/worker.ts', 'src/engine/worker/**', 'src/engine/tasks/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@huggingface/transformers',
              message:
                'Only the engine worker (src/engine/worker.ts, worker/, tasks/) may import transformers.js.',
            },
            { name: 'onnxruntime-web', message: 'Only the engine worker may import onnxruntime-web.' },
          ],
        },
      ],
    },
  },
);
