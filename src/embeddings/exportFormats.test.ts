import { describe, expect, it } from 'vitest';
import { mapTsv, metadataTsv, npy, parseMetadataTsv, parseVectorsTsv, vectorsTsv } from './exportFormats.ts';

describe('export formats', () => {
  it('write vectors.tsv and metadata.tsv that parse back to the same vectors and labels', () => {
    const vectors = Float32Array.from([0.1, -2.5, 3e-7, 4]);
    expect(vectorsTsv(vectors, 2)).toBe('0.1\t-2.5\n3e-7\t4\n');
    expect(parseVectorsTsv(vectorsTsv(vectors, 2))).toEqual({ vectors, dimensions: 2 });
    const sentences = ['Tabs\there', 'Two\nlines'];
    const text = metadataTsv(sentences, ['x', 'y']);
    expect(text).toBe('sentence\tlabel\nTabs here\tx\nTwo lines\ty\n');
    expect(parseMetadataTsv(text)).toEqual({ sentences: ['Tabs here', 'Two lines'], labels: ['x', 'y'] });
    expect(metadataTsv(['a', 'b'], null)).toBe('a\nb\n');
    expect(parseMetadataTsv('a\nb\n')).toEqual({ sentences: ['a', 'b'], labels: null });
  });

  it('write cells that start like a spreadsheet formula as text, and read them back as they were', () => {
    const hostile = ['=HYPERLINK("http://x.example","click")', '+1+1', '-2', '@SUM(A1)', 'plain'];
    const text = metadataTsv(hostile, ['=cmd', 'ok', 'ok', 'ok', 'ok']);
    for (const line of text.split('\n').slice(1).filter(Boolean))
      expect(line.split('\t').every((value) => !/^[=+\-@]/.test(value))).toBe(true);
    expect(parseMetadataTsv(text)).toEqual({ sentences: hostile, labels: ['=cmd', 'ok', 'ok', 'ok', 'ok'] });
    expect(mapTsv(new Float32Array([0, 0]), ['=1+2'], null)).toContain("\t'=1+2\t");
  });

  it('write the map as TSV with a header row', () => {
    expect(mapTsv(Float32Array.from([0.5, -1, 2, 3]), ['a\tb', 'c'], ['x', 'y'])).toBe(
      'x\ty\tsentence\tlabel\n0.5\t-1\ta b\tx\n2\t3\tc\ty\n',
    );
  });

  it('write .npy version 1.0: magic, a 64-byte aligned header, little-endian float32', () => {
    const bytes = npy(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3);
    expect(Array.from(bytes.slice(0, 8))).toEqual([0x93, 78, 85, 77, 80, 89, 1, 0]);
    const headerLength = new DataView(bytes.buffer).getUint16(8, true);
    expect((10 + headerLength) % 64).toBe(0);
    const header = new TextDecoder().decode(bytes.slice(10, 10 + headerLength));
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    expect(Array.from(new Float32Array(bytes.slice(10 + headerLength).buffer))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(bytes.length).toBe(10 + headerLength + 24);
  });
});
