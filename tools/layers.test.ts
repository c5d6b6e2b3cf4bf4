/**
 * `npm run lint` enforces the layers of src/ (eslint.config.js): these cases lint code as if it were
 * written into the tree, and check that an upward or sideways import, a worker-only import on the page,
 * and a cycle between files are each refused, while the imports the layers allow pass.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

const CASES: { name: string; file: string; code: string; refused: RegExp | null }[] = [
  {
    name: 'a shared widget importing the session (upward)',
    file: 'src/ui/Probe.tsx',
    code: "import { useAppStore } from '../session/store.ts';\nexport const probe = useAppStore;\n",
    refused: /src\/ui may import only src\/core, src\/lib/,
  },
  {
    name: 'a feature importing another feature (sideways)',
    file: 'src/chat/probe.ts',
    code: "import { useEmbeddingsStore } from '../embeddings/store.ts';\nexport const probe = useEmbeddingsStore;\n",
    refused: /src\/chat may import only src\/session/,
  },
  {
    name: 'the shell imported by a feature',
    file: 'src/models/probe.ts',
    code: "import { parseDeepLink } from '../app/deepLink.ts';\nexport const probe = parseDeepLink;\n",
    refused: /src\/models may import only/,
  },
  {
    name: 'the hub importing the engine (upward)',
    file: 'src/hub/probe.ts',
    code: "import { EngineError } from '../engine/errors.ts';\nexport const probe = EngineError;\n",
    refused: /src\/hub may import only src\/core, src\/lib/,
  },
  {
    name: 'the page importing an engine task',
    file: 'src/chat/probe.ts',
    code: "import { generate } from '../engine/tasks/generate.ts';\nexport const probe = generate;\n",
    refused: /never imports the engine worker’s side/,
  },
  {
    name: 'the engine worker importing the catalog',
    file: 'src/engine/tasks/probe.ts',
    code: "import { CATALOG } from '../../hub/catalog.ts';\nexport const probe = CATALOG;\n",
    refused: /The catalog is the page’s/,
  },
  {
    name: 'transformers.js outside the engine worker',
    file: 'src/session/probe.ts',
    code: "import { env } from '@huggingface/transformers';\nexport const probe = env;\n",
    refused: /Only the engine worker/,
  },
  {
    name: 'a cycle between two files (core/model.ts importing weightFiles.ts, which imports it)',
    file: 'src/core/model.ts',
    code: "import { WEIGHT_FORMATS } from './weightFiles.ts';\nexport const DTYPES = Object.keys(WEIGHT_FORMATS);\n",
    refused: /import-x\/no-cycle/,
  },
  {
    name: 'a feature importing the session, ui, engine client, hub, core and lib (downward)',
    file: 'src/chat/probe.ts',
    code: [
      "import { DTYPES } from '../core/model.ts';",
      "import { EngineClient } from '../engine/client.ts';",
      "import { findModel } from '../hub/catalog.ts';",
      "import { messageOf } from '../lib/errors.ts';",
      "import { useAppStore } from '../session/store.ts';",
      "import { ErrorMessage } from '../ui/ErrorMessage.tsx';",
      'export const probe = [DTYPES, EngineClient, findModel, messageOf, useAppStore, ErrorMessage];',
      '',
    ].join('\n'),
    refused: null,
  },
];

describe('the layers of src/ (npm run lint)', () => {
  it.each(CASES)('$name', async ({ file, code, refused }) => {
    const found = await problems(file, code);
    if (refused)
      expect(
        found.some((problem) => refused.test(problem)),
        found.join('\n'),
      ).toBe(true);
    else expect(found).toEqual([]);
  });
});
