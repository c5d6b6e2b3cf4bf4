import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist', 'public/models', 'bench/models', 'test-results', 'playwright-report'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 2022, globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // The worker boundary: UI code never imports the inference runtimes.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/engine/worker*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@huggingface/transformers',
              message: 'Only the engine worker (src/engine/worker*.ts) may import transformers.js.',
            },
            { name: 'onnxruntime-web', message: 'Only the engine worker may import onnxruntime-web.' },
          ],
        },
      ],
    },
  },
);
