/**
 * Vectors leave the app in the formats other tools read: TF Embedding Projector's vectors.tsv and
 * metadata.tsv, NumPy's .npy (float32, C order) and JSON; the 2D map as TSV.
 *
 *   vectorsTsv(new Float32Array([1, 2, 3, 4]), 2) // → '1\t2\n3\t4\n'
 */

/** The shortest decimal that reads back as the same float32 (9 significant digits always do). */
function float32Text(value: number): string {
  for (let digits = 1; digits < 9; digits++) {
    const shorter = Number(value.toPrecision(digits));
    if (Math.fround(shorter) === value) return String(shorter);
  }
  return String(Number(value.toPrecision(9)));
}

/** One row per vector, values separated by tabs, as TF Embedding Projector loads them. */
export function vectorsTsv(vectors: Float32Array, dimensions: number): string {
  const lines: string[] = [];
  for (let start = 0; start < vectors.length; start += dimensions) {
    lines.push(Array.from(vectors.subarray(start, start + dimensions), float32Text).join('\t'));
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`): the quote makes it text. */
const FORMULA_START = /^[=+\-@]/;

/**
 * Tabs and newlines inside a cell would break the row: they become spaces. A cell that starts like a
 * formula gets a leading `'`, so a spreadsheet opening the file shows it instead of evaluating it.
 */
const cell = (text: string) => {
  const flat = text.replace(/[\t\r\n]+/g, ' ');
  return FORMULA_START.test(flat) ? `'${flat}` : flat;
};

/** A cell as written by `cell`, its formula guard removed. */
const uncell = (text: string) =>
  text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;

/**
 * metadata.tsv: one row per vector. With labels it has a header row (`sentence\tlabel`); a single column
 * has none, as the Projector expects.
 */
export function metadataTsv(sentences: readonly string[], labels: readonly string[] | null): string {
  const rows = labels
    ? [
        'sentence\tlabel',
        ...sentences.map((sentence, index) => `${cell(sentence)}\t${cell(labels[index] ?? '')}`),
      ]
    : sentences.map(cell);
  return `${rows.join('\n')}\n`;
}

/** Parses vectors.tsv back: row-major values and the number of columns. */
export function parseVectorsTsv(text: string): { vectors: Float32Array; dimensions: number } {
  const rows = text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => line.split('\t').map(Number));
  const dimensions = rows[0]?.length ?? 0;
  if (rows.some((row) => row.length !== dimensions || row.some(Number.isNaN))) {
    throw new Error('vectors.tsv rows differ in length or hold non-numbers');
  }
  return { vectors: Float32Array.from(rows.flat()), dimensions };
}

/** Parses metadata.tsv back (the header, when labels were written, is dropped). */
export function parseMetadataTsv(text: string): { sentences: string[]; labels: string[] | null } {
  const rows = text.split('\n').filter((line) => line.length > 0);
  if (rows[0] === 'sentence\tlabel') {
    const cells = rows.slice(1).map((line) => line.split('\t').map(uncell));
    return { sentences: cells.map((row) => row[0] ?? ''), labels: cells.map((row) => row[1] ?? '') };
  }
  return { sentences: rows.map(uncell), labels: null };
}

/**
 * A NumPy .npy file (format 1.0) of a float32 `[rows, columns]` array: magic, header length, a Python
 * dict literal padded with spaces to a 64-byte boundary, then the little-endian values.
 */
export function npy(values: Float32Array, rows: number, columns: number): Uint8Array<ArrayBuffer> {
  if (values.length !== rows * columns)
    throw new Error(`expected ${rows}×${columns} values, got ${values.length}`);
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${columns}), }`;
  const preamble = 10; // magic (6) + version (2) + header length (2)
  const padded = Math.ceil((preamble + dict.length + 1) / 64) * 64;
  const header = `${dict}${' '.repeat(padded - preamble - dict.length - 1)}\n`;
  const bytes = new Uint8Array(padded + values.length * 4);
  bytes.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0]);
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  bytes.set(new TextEncoder().encode(header), preamble);
  const data = new DataView(bytes.buffer, padded);
  values.forEach((value, index) => data.setFloat32(index * 4, value, true));
  return bytes;
}

/** The 2D map as TSV: `x`, `y`, the sentence and its label, one row per point. */
export function mapTsv(
  coordinates: Float32Array,
  sentences: readonly string[],
  labels: readonly string[] | null,
): string {
  const rows = sentences.map((sentence, index) =>
    [coordinates[index * 2], coordinates[index * 2 + 1], cell(sentence), cell(labels?.[index] ?? '')].join(
      '\t',
    ),
  );
  return `${['x\ty\tsentence\tlabel', ...rows].join('\n')}\n`;
}
