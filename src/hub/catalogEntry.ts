/**
 * What the catalog records of a model, and how an entry is built from the facts its sources give:
 * the license resolved, the dtypes the engine can load and the openness level derived, never written
 * by hand.
 *
 *   defineModel({ id: 'org/m', sizes: { q8: hub('23 MB') }, license: 'mit', … }).dtypes // → ['q8']
 */
import { DTYPES, type Backend, type Dtype, type ModelTask, type Pooling } from '../core/model.ts';
import {
  LICENSES,
  opennessLevel,
  type License,
  type LicenseKey,
  type OpennessCard,
  type OpennessLevel,
} from '../core/openness.ts';

/** A count of bytes. Branded so a size cannot be mixed up with a parameter or token count. */
export type Bytes = number & { readonly __unit: 'bytes' };

const HUB_UNITS = Object.freeze({ kB: 1e3, MB: 1e6, GB: 1e9 } as const);
type HubSize = `${number} ${keyof typeof HUB_UNITS}`;

/**
 * Bytes from sizes written exactly as the Hub's file list shows them (decimal units), summed over
 * a format's files: `hub('166 kB', '6.85 GB')` → 6_850_166_000. Writing the shown text keeps the
 * data checkable against its source line by line.
 */
export function hub(...shown: readonly HubSize[]): Bytes {
  let bytes = 0;
  for (const text of shown) {
    const [value = '', unit = ''] = text.split(' ');
    bytes += Math.round(Number(value) * HUB_UNITS[unit as keyof typeof HUB_UNITS]);
  }
  return bytes as Bytes;
}

/** How an embedding model's token vectors become one sentence vector, as its model card says. */
export interface EmbeddingDefaults {
  readonly pooling: Pooling;
  readonly normalize: boolean;
  /** Length of the sentence vector. */
  readonly dimensions: number | null;
  /** Text the model was trained to see before queries and documents (E5's "query: "), if any. */
  readonly prefixes: { readonly query: string; readonly document: string } | null;
  /**
   * Set when the ONNX graph already pools, projects and normalizes: read this output. Pooling
   * `last_hidden_state` yourself would skip the projection layers and give different vectors.
   */
  readonly pooledOutput: 'sentence_embedding' | null;
}

export interface CatalogModel {
  /** Hugging Face repository id, `org/name`. */
  readonly id: string;
  readonly label: string;
  readonly task: ModelTask;
  /** What the model is for, and which of its facts could not be verified. */
  readonly description: string;
  /** Weight formats the engine can load today, in the protocol's order; derived from `sizes`. */
  readonly dtypes: readonly Dtype[];
  /** Random weights made by tools/forge, served by the app at `appModelHost()`. */
  readonly forged: boolean;
  /** As the model card states it (often rounded: "1.23B"). */
  readonly parameters: number | null;
  /** Maximum tokens per input, as the model card or config states it. */
  readonly contextLength: number | null;
  /** The weight formats the repository publishes; a null size is a format known to exist, size unknown. */
  readonly sizes: Readonly<Partial<Record<Dtype, Bytes | null>>>;
  /** The Hub revision (short commit) whose file list gave `sizes`; null when no sizes were read. */
  readonly sizesAt: string | null;
  /** Null where no published format suits the backend. */
  readonly recommended: Readonly<Record<Backend, Dtype | null>>;
  readonly license: License | null;
  readonly openness: OpennessCard;
  /** Derived from `openness` and `license` (see `opennessLevel`). */
  readonly opennessLevel: OpennessLevel;
  /** Set for feature-extraction models only. */
  readonly embedding: EmbeddingDefaults | null;
  /** Where every fact on the entry comes from. */
  readonly sources: readonly string[];
}

type EntryFacts = Omit<CatalogModel, 'dtypes' | 'license' | 'opennessLevel'> & {
  readonly license: LicenseKey | null;
};

/** Builds an entry: resolves the license and derives the app dtypes and the openness level. */
export function defineModel(spec: EntryFacts): CatalogModel {
  const license = spec.license === null ? null : LICENSES[spec.license];
  return Object.freeze({
    ...spec,
    dtypes: Object.freeze(DTYPES.filter((dtype) => dtype in spec.sizes)),
    license,
    opennessLevel: opennessLevel(spec.openness, license),
  });
}
