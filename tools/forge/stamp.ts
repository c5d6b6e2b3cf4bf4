/**
 * The `.forge-stamp` of a forged folder: a hash of what decides the folder's contents (the forge's sources
 * and the preset) and the size and SHA-256 of each file, so an unchanged, complete folder is not rewritten.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { presetNameOf, type Preset } from './presets.ts';

export const STAMP_FILE = '.forge-stamp';
/** Bump when the folder layout changes in a way the source hash would not show. */
const STAMP_VERSION = 1;
const FORGE_ROOT = dirname(fileURLToPath(import.meta.url));
/** Sources outside the forge that decide what it writes: the app's table names the ONNX files. */
const SHARED_SOURCES = [fileURLToPath(new URL('../../src/core/weightFiles.ts', import.meta.url))];

export interface FileRecord {
  readonly bytes: number;
  readonly sha256: string;
}

export interface ForgeStamp {
  readonly version: number;
  readonly preset: string;
  readonly repo: string;
  readonly seed: number;
  /** Hash of the forge sources and the preset's settings. */
  readonly hash: string;
  /** Relative path → size in bytes and SHA-256. */
  readonly files: Readonly<Record<string, FileRecord>>;
}

/** Files whose contents decide what the forge writes: its sources, proto and corpus, not its tests. */
function forgeSourceFiles(dir = FORGE_ROOT): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'testing' && entry.name !== 'node_modules') files.push(...forgeSourceFiles(path));
    } else if (!entry.name.endsWith('.test.ts') && entry.name !== 'README.md') {
      files.push(path);
    }
  }
  return files.sort();
}

let sourceHash: string | undefined;
/** SHA-256 over the forge's source files and the shared ones (paths and contents), computed once per process. */
export function forgeSourceHash(): string {
  if (sourceHash === undefined) {
    const hash = createHash('sha256');
    for (const file of [...forgeSourceFiles(), ...SHARED_SOURCES]) {
      // Normalise line endings so a CRLF checkout agrees with an LF one.
      hash.update(relative(FORGE_ROOT, file).replaceAll('\\', '/')).update('\0');
      hash.update(readFileSync(file, 'utf8').replace(/\r\n?/g, '\n')).update('\0');
    }
    sourceHash = hash.digest('hex');
  }
  return sourceHash;
}

export function expectedStampHash(preset: Preset): string {
  return createHash('sha256')
    .update(String(STAMP_VERSION))
    .update(forgeSourceHash())
    .update(JSON.stringify(preset))
    .digest('hex');
}

/** The size and SHA-256 of a file written as these chunks. */
export function fileRecord(chunks: readonly Uint8Array[]): FileRecord {
  const hash = createHash('sha256');
  let bytes = 0;
  for (const chunk of chunks) {
    hash.update(chunk);
    bytes += chunk.byteLength;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** The stamp of a folder forged from `preset` that holds `files`. */
export function stampOf(preset: Preset, files: Readonly<Record<string, FileRecord>>): ForgeStamp {
  return {
    version: STAMP_VERSION,
    preset: presetNameOf(preset),
    repo: preset.repo,
    seed: preset.seed,
    hash: expectedStampHash(preset),
    files,
  };
}

function readStamp(folder: string): ForgeStamp | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(folder, STAMP_FILE), 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || !('hash' in parsed) || !('files' in parsed))
      return null;
    return parsed as ForgeStamp;
  } catch {
    return null;
  }
}

/** True when the folder was written by this forge for this preset and every file it lists is there at its size. */
export function isUpToDate(preset: Preset, folder: string): boolean {
  const stamp = readStamp(folder);
  if (stamp === null || stamp.hash !== expectedStampHash(preset)) return false;
  return Object.entries(stamp.files).every(([file, info]) => {
    const path = join(folder, file);
    return existsSync(path) && statSync(path).size === info.bytes;
  });
}
