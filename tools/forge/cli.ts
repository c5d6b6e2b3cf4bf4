/**
 * The forge's command line: writes preset model folders in the Hugging Face hub layout
 * (`<root>/<org>/<name>/resolve/main/…`), so any static server acts as a hub host at `<origin>/models`.
 *
 *   npx tsx tools/forge/cli.ts demo            tiny-chat, tiny-embed → public/models (seconds)
 *   npx tsx tools/forge/cli.ts bench           smollm2-135m-shaped, minilm-l6-shaped → bench/models (about a minute)
 *   npx tsx tools/forge/cli.ts test            tiny-chat-hub, tiny-chat-hub-undeclared, tiny-chat-fused → e2e/models (seconds)
 *   npx tsx tools/forge/cli.ts tiny-chat       one preset, into its group's folder
 *   options: --force (rewrite even if up to date), --out DIR (root folder instead of the default)
 *
 * @example
 *   $ npx tsx tools/forge/cli.ts demo
 *   forge: glassbox/tiny-chat: 1.4 MB in tokenizer 310 ms, build fp32 9 ms, …
 *   forge: glassbox/tiny-chat written to public/models/glassbox/tiny-chat/resolve/main
 *   forge: glassbox/tiny-embed up to date (public/models/glassbox/tiny-embed/resolve/main)
 */
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../runCli.ts';
import { PRESET_GROUPS, PRESET_NAMES, getPreset, type PresetGroup, type PresetName } from './presets.ts';
import { hubFolder, writeModelFolder } from './writeModel.ts';

const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * Where each group goes by default (all git-ignored). public/ is copied into the built app, so only the
 * demo models go there; the test models are served to the e2e tests by a mirror of e2e/models.
 */
const DEFAULT_ROOTS: Readonly<Record<PresetGroup, string>> = Object.freeze({
  demo: 'public/models',
  bench: 'bench/models',
  test: 'e2e/models',
});

const USAGE = `usage: tsx tools/forge/cli.ts <demo|bench|test|PRESET...> [--force] [--out DIR]
  demo    ${PRESET_GROUPS.demo.join(', ')} → ${DEFAULT_ROOTS.demo}
  bench   ${PRESET_GROUPS.bench.join(', ')} → ${DEFAULT_ROOTS.bench}
  test    ${PRESET_GROUPS.test.join(', ')} → ${DEFAULT_ROOTS.test}
  presets ${PRESET_NAMES.join(', ')}`;

interface Job {
  readonly preset: PresetName;
  readonly root: string;
}

interface Args {
  readonly jobs: readonly Job[];
  readonly force: boolean;
}

class UsageError extends Error {
  readonly code = 'usage';
}

function parseArgs(argv: readonly string[]): Args {
  let force = false;
  let out: string | null = null;
  const targets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--force') force = true;
    else if (arg === '--out') {
      const dir = argv[++i];
      if (dir === undefined) throw new UsageError('--out needs a folder.');
      out = resolve(process.cwd(), dir); // relative to where the command runs, like any CLI path
    } else if (arg === '--help' || arg === '-h') throw new UsageError('');
    else if (arg.startsWith('-')) throw new UsageError(`Unknown option ${arg}.`);
    else targets.push(arg);
  }
  if (targets.length === 0) throw new UsageError('Say what to forge.');
  const jobs = targets.flatMap((target): Job[] => {
    if (target in PRESET_GROUPS) {
      const group = target as PresetGroup;
      return PRESET_GROUPS[group].map((preset) => ({ preset, root: out ?? DEFAULT_ROOTS[group] }));
    }
    getPreset(target); // throws with the list of known presets
    const preset = target as PresetName;
    const groups = Object.keys(PRESET_GROUPS) as PresetGroup[];
    const group = groups.find((g) => (PRESET_GROUPS[g] as readonly string[]).includes(preset)) ?? 'demo';
    return [{ preset, root: out ?? DEFAULT_ROOTS[group] }];
  });
  return { jobs, force };
}

const say = (line: string): void => {
  process.stdout.write(`forge: ${line}\n`);
};

async function main(argv: readonly string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message ? `${message}\n` : ''}${USAGE}\n`);
    return error instanceof UsageError && message === '' ? 0 : 2;
  }
  const started = performance.now();
  for (const job of args.jobs) {
    const preset = getPreset(job.preset);
    const folder = hubFolder(resolve(REPO_ROOT, job.root), preset);
    const shown = relative(process.cwd(), folder) || '.';
    const result = await writeModelFolder(preset, folder, { force: args.force, log: say });
    say(
      result.status === 'written'
        ? `${preset.repo} written to ${shown}`
        : `${preset.repo} up to date (${shown})`,
    );
  }
  say(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

runCli('forge', main);
