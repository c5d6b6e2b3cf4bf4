/**
 * What every model store holds and answers (modelStore.ts picks one): per model, a manifest of its
 * verified files (size, sha256, when stored, last use) and the files the host does not have.
 */
import * as v from 'valibot';
import { trimHost } from '../core/hosts.ts';
import type { PartialWrite } from './download.ts';

export interface StoredFile {
  size: number;
  sha256: string | null;
  storedAt: number;
}

export interface ModelManifest {
  host: string;
  id: string;
  files: Record<string, StoredFile>;
  /** Files the host answered 404 for (optional ones such as generation_config.json): no request next time. */
  absent: string[];
  lastUsed: number;
}

const ManifestSchema = v.object({
  host: v.string(),
  id: v.string(),
  files: v.record(
    v.string(),
    v.object({
      size: v.pipe(v.number(), v.integer(), v.minValue(0)),
      sha256: v.nullable(v.string()),
      storedAt: v.number(),
    }),
  ),
  absent: v.fallback(v.array(v.string()), []),
  lastUsed: v.fallback(v.number(), 0),
}) satisfies v.GenericSchema<unknown, ModelManifest>;

/**
 * A manifest as read back: written by this app, but perhaps by an older version or half-cleared storage.
 * One that does not check reads as none, so the model's files download again and it is rewritten.
 */
export function checkedManifest(value: unknown): ModelManifest | null {
  const checked = v.safeParse(ManifestSchema, value);
  return checked.success ? checked.output : null;
}

export function emptyManifest(host: string, id: string): ModelManifest {
  return { host, id, files: {}, absent: [], lastUsed: Date.now() };
}

export interface StoredModel {
  manifest: ModelManifest;
  bytes: number;
}

export function storedModel(manifest: ModelManifest): StoredModel {
  return { manifest, bytes: Object.values(manifest.files).reduce((sum, entry) => sum + entry.size, 0) };
}

/** A file-name-safe key for a host URL: `https://huggingface.co` → `huggingface.co`. */
export function hostKey(host: string): string {
  return trimHost(host)
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/[^\w.-]+/g, '_');
}

export interface ModelStore {
  manifest(host: string, id: string): Promise<ModelManifest | null>;
  /** A verified stored file, or null. */
  file(host: string, id: string, path: string): Promise<File | null>;
  isAbsent(host: string, id: string, path: string): Promise<boolean>;
  /** Forgets the files the host answered 404 for, so the next load asks again (one may have been added). */
  forgetAbsent(host: string, id: string): Promise<void>;
  markAbsent(host: string, id: string, path: string): Promise<void>;
  touch(host: string, id: string): Promise<void>;
  /** The partial download of `path`: how many bytes are there already, and a way to add, commit or drop. */
  partial(host: string, id: string, path: string): Promise<PartialWrite>;
  /** Most recently used first. */
  list(): Promise<StoredModel[]>;
  remove(host: string, id: string): Promise<void>;
  removeAll(): Promise<void>;
}
