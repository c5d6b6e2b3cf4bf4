import { readFile } from 'node:fs/promises';
import { expectBackend, openApp, test, expect } from './fixtures.ts';
import { referenceEmbeddings } from './reference.ts';
import type { VectorsFile } from '../src/embeddings/exportVectors.ts';

const MODEL = 'glassbox/tiny-embed';
const SENTENCES = [
  'The cat sleeps on the warm windowsill.',
  'Graphs of weights are just numbers in files.',
  'Rain is expected in the mountains tomorrow.',
];

test('embeddings of three sentences equal Node within 1e-4 and download as JSON', async ({
  page,
  backend,
}) => {
  await openApp(page, { model: MODEL, dtype: 'fp32', backend, panel: 'embeddings' });
  await expectBackend(page, backend);
  await page.getByLabel('Sentences, one per line').fill(SENTENCES.join('\n'));
  await page.getByRole('button', { name: 'Embed' }).click();
  await expect(page.getByRole('table', { name: 'Cosine similarity matrix' })).toBeVisible();
  await expect(page.getByTestId('cosine-1-1')).toHaveText('1.00');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download vectors' }).click();
  const file = JSON.parse(await readFile(await (await download).path(), 'utf8')) as VectorsFile;
  expect(file).toMatchObject({
    model: MODEL,
    dtype: 'fp32',
    pooling: 'mean',
    normalize: true,
    sentences: SENTENCES,
  });

  const expected = await referenceEmbeddings(MODEL, SENTENCES);
  expect(file.vectors).toHaveLength(expected.length);
  file.vectors.forEach((vector, i) => {
    const reference = expected[i] ?? [];
    expect(vector).toHaveLength(reference.length);
    const worst = Math.max(...vector.map((value, j) => Math.abs(value - (reference[j] ?? NaN))));
    expect(worst).toBeLessThan(1e-4);
  });
  // The sentences differ, so their vectors do too.
  expect(expected[0]).not.toEqual(expected[1]);
});
