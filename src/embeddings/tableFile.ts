/**
 * Sentence sets from files: CSV or TSV (a text column and an optional label column) or plain text,
 * one sentence per line. Parsing follows RFC 4180 (quotes, commas and newlines inside quotes) through
 * Papa Parse.
 *
 *   const table = parseTable('text,label\n"Hi, you",greeting\n', 'set.csv');
 *   datasetRows(table, 0, 1) // → { sentences: ['Hi, you'], labels: ['greeting'] }
 */
import Papa from 'papaparse';
import { EmbeddingsError } from './errors.ts';

export interface Table {
  /** Column names: the header row, or "Column 1", "Column 2", … when the file has none. */
  columns: string[];
  rows: string[][];
}

/** A file that holds no usable sentences: the embeddings area's 'bad-file' error. */
export class TableFileError extends EmbeddingsError {
  constructor(message: string) {
    super('bad-file', message);
  }
}

const isDelimited = (fileName: string) => /\.(csv|tsv|tab)$/i.test(fileName);

/** The largest file imported: far more sentences than a browser tab embeds in a lesson. */
export const IMPORT_LIMIT_BYTES = 20 * 1024 * 1024;

/** Refuses a file too large to import before reading it, with its size and what to do. */
export function checkImportSize(fileName: string, bytes: number): void {
  if (bytes > IMPORT_LIMIT_BYTES)
    throw new TableFileError(
      `${fileName} is ${Math.round(bytes / 1e6)} MB; Glassbox imports files up to ${IMPORT_LIMIT_BYTES / 1024 / 1024} MB (tens of thousands of sentences, more than a tab embeds in a lesson). Import a sample of it.`,
    );
}

/** Reads a CSV/TSV file (by its name; the delimiter is detected) or a plain text file. */
export function parseTable(text: string, fileName: string, hasHeader = true): Table {
  const content = text.replace(/^\uFEFF/, '');
  if (!isDelimited(fileName)) {
    const rows = content
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => [line]);
    if (rows.length === 0) throw new TableFileError(`${fileName} has no text.`);
    return { columns: ['Text'], rows };
  }
  const parsed = Papa.parse<string[]>(content, {
    delimiter: /\.(tsv|tab)$/i.test(fileName) ? '\t' : '',
    skipEmptyLines: 'greedy',
  });
  const serious = parsed.errors.find((error) => error.type === 'Quotes');
  if (serious) {
    throw new TableFileError(`${fileName}, row ${(serious.row ?? 0) + 1}: ${serious.message}.`);
  }
  const [first, ...rest] = parsed.data;
  if (!first) throw new TableFileError(`${fileName} has no rows.`);
  // Not Math.max(...rows): spreading hundreds of thousands of rows overflows the call stack.
  const width = parsed.data.reduce((widest, row) => Math.max(widest, row.length), 0);
  const columns = hasHeader
    ? Array.from({ length: width }, (_, index) => first[index]?.trim() || `Column ${index + 1}`)
    : Array.from({ length: width }, (_, index) => `Column ${index + 1}`);
  const rows = hasHeader ? rest : parsed.data;
  if (rows.length === 0) throw new TableFileError(`${fileName} has a header but no rows.`);
  return { columns, rows };
}

/** The sentences of a table's text column (empty cells skipped) and the labels beside them. */
export function datasetRows(
  table: Table,
  textColumn: number,
  labelColumn: number | null,
): { sentences: string[]; labels: string[] | null } {
  const kept = table.rows.filter((row) => (row[textColumn] ?? '').trim());
  if (kept.length === 0) {
    throw new TableFileError(`Column “${table.columns[textColumn] ?? textColumn + 1}” has no text.`);
  }
  return {
    sentences: kept.map((row) => (row[textColumn] ?? '').trim()),
    labels: labelColumn === null ? null : kept.map((row) => (row[labelColumn] ?? '').trim()),
  };
}

/** The column most likely to hold sentences: the one with the longest cells on average. */
export function guessTextColumn(table: Table): number {
  const meanLength = table.columns.map(
    (_, column) =>
      table.rows.reduce((sum, row) => sum + (row[column]?.length ?? 0), 0) / Math.max(table.rows.length, 1),
  );
  return meanLength.indexOf(meanLength.reduce((longest, length) => Math.max(longest, length), 0));
}

/** Sentences one per non-empty line; a tab after a sentence starts its label. */
export function sentencesOf(text: string): { sentences: string[]; labels: string[] | null } {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const tab = line.indexOf('\t');
      return tab < 0
        ? { sentence: line, label: '' }
        : { sentence: line.slice(0, tab).trim(), label: line.slice(tab + 1).trim() };
    })
    .filter((line) => line.sentence.length > 0);
  return {
    sentences: lines.map((line) => line.sentence),
    labels: lines.some((line) => line.label) ? lines.map((line) => line.label) : null,
  };
}

/** The editable text of a set: a line per sentence, a tab and its label when there are labels. */
export function textOf(sentences: readonly string[], labels: readonly string[] | null): string {
  const flat = (value: string) => value.replace(/\s*[\r\n\t]+\s*/g, ' ');
  return sentences
    .map((sentence, index) => (labels ? `${flat(sentence)}\t${flat(labels[index] ?? '')}` : flat(sentence)))
    .join('\n');
}
