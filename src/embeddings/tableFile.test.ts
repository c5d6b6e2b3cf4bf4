import { describe, expect, it } from 'vitest';
import {
  TableFileError,
  checkImportSize,
  datasetRows,
  guessTextColumn,
  parseTable,
  sentencesOf,
  textOf,
} from './tableFile.ts';

describe('table files', () => {
  it('parse CSV with quoted commas, doubled quotes and newlines inside quotes', () => {
    const table = parseTable(
      'label,text\nfruit,"Apples, pears and ""plums"""\nweather,"Rain\non Monday"\n',
      'set.csv',
    );
    expect(table.columns).toEqual(['label', 'text']);
    expect(table.rows).toEqual([
      ['fruit', 'Apples, pears and "plums"'],
      ['weather', 'Rain\non Monday'],
    ]);
    expect(guessTextColumn(table)).toBe(1);
    expect(datasetRows(table, 1, 0)).toEqual({
      sentences: ['Apples, pears and "plums"', 'Rain\non Monday'],
      labels: ['fruit', 'weather'],
    });
  });

  it('parse TSV, a BOM and a file without a header', () => {
    const table = parseTable('\uFEFFa, with comma\tx\nb\ty\n', 'set.tsv', false);
    expect(table.columns).toEqual(['Column 1', 'Column 2']);
    expect(table.rows).toEqual([
      ['a, with comma', 'x'],
      ['b', 'y'],
    ]);
  });

  it('read plain text as one sentence per non-empty line', () => {
    expect(parseTable('one\r\n\n two \n', 'notes.txt')).toEqual({
      columns: ['Text'],
      rows: [['one'], ['two']],
    });
  });

  it('say what is wrong with an unusable file', () => {
    expect(() => parseTable('', 'empty.txt')).toThrow(TableFileError);
    expect(() => parseTable('text\n', 'header-only.csv')).toThrow('has a header but no rows');
    expect(() => parseTable('a,b\n"open,1\n', 'broken.csv')).toThrow('broken.csv, row');
    expect(() => datasetRows({ columns: ['a', 'b'], rows: [['', 'x']] }, 0, null)).toThrow('“a” has no text');
  });
});

describe('set text', () => {
  it('reads a sentence per line and a label after a tab', () => {
    expect(sentencesOf('  A cat.\tanimals\n\nRain.\tweather\n')).toEqual({
      sentences: ['A cat.', 'Rain.'],
      labels: ['animals', 'weather'],
    });
    expect(sentencesOf('one\ntwo')).toEqual({ sentences: ['one', 'two'], labels: null });
  });

  it('writes sets back as text that reads the same, flattening tabs and newlines inside cells', () => {
    const text = textOf(['Rain\non Monday', 'Tab\there'], ['x', 'y']);
    expect(text).toBe('Rain on Monday\tx\nTab here\ty');
    expect(sentencesOf(text)).toEqual({ sentences: ['Rain on Monday', 'Tab here'], labels: ['x', 'y'] });
  });
});

describe('large tables', () => {
  it('read a table of 300 000 rows without overflowing the call stack', () => {
    const csv = `text,label\n${Array.from({ length: 300_000 }, (_, i) => `sentence ${i},l${i % 3}`).join('\n')}`;
    const table = parseTable(csv, 'big.csv');
    expect(table.rows).toHaveLength(300_000);
    expect(guessTextColumn(table)).toBe(0);
  });

  it('refuse a file over the import limit before reading it, with its size', () => {
    expect(() => checkImportSize('huge.csv', 50_000_000)).toThrow(
      /huge\.csv is 50 MB; Glassbox imports files up to 20 MB/,
    );
    expect(() => checkImportSize('fine.csv', 1_000_000)).not.toThrow();
  });
});
