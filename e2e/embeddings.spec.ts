import type { Locator, Page } from '@playwright/test';
import { parseMetadataTsv, parseVectorsTsv } from '../src/embeddings/exportFormats.ts';
import type { VectorsFile } from '../src/embeddings/exportVectors.ts';
import { referencePca } from '../src/embeddings/testing/eigen.ts';
import { downloaded, expectBackend, openApp, test, expect } from './fixtures.ts';
import { referenceEmbeddings } from './reference.ts';

const MODEL = 'glassbox/tiny-embed';
const SENTENCES = [
  'The cat sleeps on the warm windowsill.',
  'A kitten naps in the sun by the window.',
  'Dogs love to chase a ball in the park.',
  'Stock markets fell sharply this morning.',
  'The central bank raised interest rates again.',
  'Investors moved their savings into bonds.',
  'Heavy rain is expected in the mountains tomorrow.',
  'A sunny and warm afternoon is forecast.',
  'Graphs of weights are just numbers in files.',
  'The model reads tokens, not letters.',
];

async function embedText(page: Page, text: string): Promise<void> {
  await page.getByLabel(/^Sentences, one per line/).fill(text);
  await page.getByRole('button', { name: 'Embed', exact: true }).click();
}

/** The numbers an axis's ticks show, in the order they are laid out. */
async function tickValues(axis: Locator): Promise<number[]> {
  await expect(axis.getByTestId('tick').first()).toBeVisible();
  return (await axis.getByTestId('tick').allTextContents()).map(Number);
}

/** A colour scale's gradient: red (-1) through white (0) to blue (1), as the plots colour. */
const DIVERGING = /^linear-gradient\(to right, rgb\(220, 38, 38\).*rgb\(255, 255, 255\).*rgb\(37, 99, 235\)/;

const cosine = (a: number[], b: number[]) =>
  a.reduce((sum, value, i) => sum + value * (b[i] ?? NaN), 0) / (Math.hypot(...a) * Math.hypot(...b));

test('Tab types the tab before a label in the sentences box; Esc, then Tab, leaves it', async ({ page }) => {
  await openApp(page, { model: MODEL, dtype: 'fp32', backend: 'wasm', panel: 'embeddings' });
  const box = page.getByLabel(/^Sentences, one per line/);
  await box.fill('');
  await page.keyboard.type('A cat sleeps.');
  await page.keyboard.press('Tab');
  await page.keyboard.type('animals');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Stocks fell.');
  await page.keyboard.press('Tab');
  await page.keyboard.type('money');
  await expect(box).toHaveValue('A cat sleeps.\tanimals\nStocks fell.\tmoney');
  await expect(page.getByText('2 sentences, 2 labels')).toBeVisible();
  await expect(box).toBeFocused();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await expect(box).not.toBeFocused();
});

test('the header offers the chat models on Chat and the embedding models on Embeddings; each loads where it is shown', async ({
  page,
  backend,
}) => {
  test.skip(backend !== 'wasm', 'menus, not inference');
  await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend, panel: 'chat' });
  await expectBackend(page, backend);
  const header = page.getByRole('banner');
  const chatMenu = header.getByRole('combobox', { name: 'Chat model' });
  await expect(chatMenu).toHaveValue('glassbox/tiny-chat');
  expect(await chatMenu.getByRole('option').allTextContents()).not.toContain('Tiny embeddings (forged)');
  await expect(header.getByRole('combobox', { name: 'Embedding model' })).toHaveCount(0);

  await page.getByRole('link', { name: 'Embeddings' }).click();
  const embeddingMenu = header.getByRole('combobox', { name: 'Embedding model' });
  expect(await embeddingMenu.getByRole('option').allTextContents()).not.toContain('Tiny chat (forged)');
  await expect(header.getByRole('combobox', { name: 'Chat model' })).toHaveCount(0);
  await embeddingMenu.selectOption(MODEL);
  await expectBackend(page, backend);

  // The chat model stayed loaded; other panels show the menu of the model asked for last.
  await page.getByRole('link', { name: 'Inspector' }).click();
  await expect(header.getByRole('combobox', { name: 'Embedding model' })).toHaveValue(MODEL);
  await page.getByRole('link', { name: 'Chat' }).click();
  await expect(chatMenu).toHaveValue('glassbox/tiny-chat');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', backend);
});

test('a 10-sentence set: vectors equal Node within 1e-4, PCA equals the reference up to sign, search ranks as Node does', async ({
  page,
  backend,
}) => {
  await openApp(page, { model: MODEL, dtype: 'fp32', backend, panel: 'embeddings' });
  await expectBackend(page, backend);
  await embedText(page, SENTENCES.join('\n'));
  await expect(page.getByTestId('run-summary')).toContainText('10 vectors of 64 dimensions');
  await expect(page.getByTestId('forged-notice')).toContainText('its vectors carry no meaning');

  const file = JSON.parse(await downloaded(page, 'JSON')) as VectorsFile;
  expect(file).toMatchObject({
    model: MODEL,
    dtype: 'fp32',
    backend,
    pooling: 'mean',
    normalize: true,
    sentences: SENTENCES,
  });
  const expected = await referenceEmbeddings(MODEL, SENTENCES);
  file.vectors.forEach((vector, i) => {
    const reference = expected[i] ?? [];
    expect(vector).toHaveLength(reference.length);
    expect(Math.max(...vector.map((value, j) => Math.abs(value - (reference[j] ?? NaN))))).toBeLessThan(1e-4);
  });

  // The map: PCA by default; its coordinates against a full eigen-decomposition of Node's vectors.
  await expect(page.getByRole('button', { name: 'PCA', exact: true })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  const map = (await downloaded(page, 'map coordinates (TSV)'))
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t').slice(0, 2).map(Number));
  const reference = referencePca(expected, 2);
  for (const axis of [0, 1]) {
    const ours = map.map((point) => point[axis] ?? NaN);
    const theirs = reference.map((point) => point[axis] ?? NaN);
    const sign = ours.reduce((sum, value, i) => sum + value * (theirs[i] ?? 0), 0) >= 0 ? 1 : -1;
    expect(Math.max(...ours.map((value, i) => Math.abs(value - sign * (theirs[i] ?? NaN))))).toBeLessThan(
      1e-3,
    );
  }
  // Its axes name the principal components with the share of the variance each explains (of Node's
  // vectors), and their ticks cover the coordinates.
  const centre = (expected[0] ?? []).map(
    (_, j) => expected.reduce((sum, vector) => sum + (vector[j] ?? 0), 0) / expected.length,
  );
  const total = expected.reduce(
    (sum, vector) => sum + vector.reduce((part, value, j) => part + (value - (centre[j] ?? 0)) ** 2, 0),
    0,
  );
  const share = (axis: number) =>
    `${((reference.reduce((sum, point) => sum + (point[axis] ?? 0) ** 2, 0) / total) * 100).toFixed(1)}%`;
  const scatter = page.getByRole('region', { name: 'Map of the sentences' });
  await expect(scatter.getByTestId('x-axis')).toContainText(`PC 1 (${share(0)} of the variance)`);
  await expect(scatter.getByTestId('y-axis')).toContainText(`PC 2 (${share(1)} of the variance)`);
  for (const [axis, name] of [
    [0, 'x-axis'],
    [1, 'y-axis'],
  ] as const) {
    const ticks = await tickValues(scatter.getByTestId(name));
    const coordinates = map.map((point) => point[axis] ?? NaN);
    expect(ticks.length).toBeGreaterThan(1);
    expect(ticks).toEqual([...ticks].sort((a, b) => a - b));
    expect(Math.min(...ticks)).toBeGreaterThanOrEqual(Math.min(...coordinates) - 1e-6);
    expect(Math.max(...ticks)).toBeLessThanOrEqual(Math.max(...coordinates) + 1e-6);
  }

  const query = 'a sleepy cat in the sun';
  await page.getByLabel('Search by meaning').fill(query);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const results = page.getByTestId('search-results').locator('li');
  await expect(results).toHaveCount(SENTENCES.length);
  const ranking = await results.evaluateAll((items) =>
    items.map((item) => Number(item.getAttribute('data-index'))),
  );
  const [queryVector = []] = await referenceEmbeddings(MODEL, [query]);
  const expectedRanking = expected
    .map((vector, index) => ({ index, score: cosine(queryVector, vector) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((entry) => entry.index);
  expect(ranking).toEqual(expectedRanking);
});

test.describe('embedding sets', () => {
  test.skip(({ backend }) => backend !== 'wasm', 'file handling and the views are backend-independent');

  test('a CSV with a label column colours the map by label; TSV exports parse back to the same vectors and labels', async ({
    page,
    backend,
  }) => {
    const rows = [
      ['1', 'The cat sleeps, curled up, on the sofa.', 'animals'],
      ['2', 'A puppy chews on a "new" shoe.', 'animals'],
      ['3', 'Parrots can learn to repeat words.', 'animals'],
      ['4', 'Shares rose after the earnings report.', 'money'],
      ['5', 'Interest rates, again, went up.', 'money'],
      ['6', 'Snow will fall over the hills tonight.', 'weather'],
      ['7', 'Strong winds, then rain, by Friday.', 'weather'],
    ];
    const quote = (cell: string) => (/[",]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
    const csv = ['id,text,topic', ...rows.map((row) => row.map(quote).join(','))].join('\r\n');

    await openApp(page, { model: MODEL, dtype: 'fp32', backend, panel: 'embeddings' });
    await expectBackend(page, backend);
    await page
      .getByLabel('Import CSV, TSV or text')
      .setInputFiles({ name: 'topics.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await expect(page.getByLabel('Text column')).toHaveValue('1');
    await expect(page.getByLabel('Label column')).toHaveValue('2');
    await page.getByRole('button', { name: 'Use these columns' }).click();
    await expect(page.getByText('7 sentences, 3 labels')).toBeVisible();
    await page.getByRole('button', { name: 'Embed', exact: true }).click();
    await expect(page.getByTestId('run-summary')).toContainText('7 vectors');

    const legend = page.getByRole('list', { name: 'Colours by label' }).locator('li');
    await expect(legend).toHaveText(['animals', 'money', 'weather']);
    const colours = Object.fromEntries(
      await legend.evaluateAll((items) =>
        items.map((item) => [item.textContent ?? '', item.getAttribute('data-colour') ?? '']),
      ),
    ) as Record<string, string>;
    const map = (await downloaded(page, 'map coordinates (TSV)'))
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split('\t'));
    // Each point's pixel has its label's colour (points that overlap another are skipped).
    const pixels = await page
      .getByTestId('scatter')
      .evaluate((canvas: HTMLCanvasElement, points: string[][]) => {
        const [minX = 0, maxX = 1, minY = 0, maxY = 1] = (canvas.dataset['bounds'] ?? '')
          .split(',')
          .map(Number);
        const padding = Number(canvas.dataset['padding']);
        const ratio = canvas.width / canvas.clientWidth;
        const place = (point: string[]) => [
          padding + ((Number(point[0]) - minX) / (maxX - minX || 1)) * (canvas.clientWidth - 2 * padding),
          canvas.clientHeight -
            padding -
            ((Number(point[1]) - minY) / (maxY - minY || 1)) * (canvas.clientHeight - 2 * padding),
        ];
        const context = canvas.getContext('2d');
        return points.map((point, index) => {
          const [x = 0, y = 0] = place(point);
          const crowded = points.some(
            (other, j) =>
              j !== index && Math.hypot((place(other)[0] ?? 0) - x, (place(other)[1] ?? 0) - y) < 9,
          );
          const [r = 0, g = 0, b = 0] =
            context?.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data ?? [];
          return {
            label: point[3] ?? '',
            crowded,
            hex: `#${[r, g, b].map((value) => value.toString(16).padStart(2, '0')).join('')}`,
          };
        });
      }, map);
    const clear = pixels.filter((pixel) => !pixel.crowded);
    expect(clear.length).toBeGreaterThan(2);
    for (const pixel of clear) expect(pixel.hex).toBe(colours[pixel.label]);

    const vectors = parseVectorsTsv(await downloaded(page, 'vectors.tsv'));
    const metadata = parseMetadataTsv(await downloaded(page, 'metadata.tsv'));
    const json = JSON.parse(await downloaded(page, 'JSON')) as VectorsFile;
    expect(vectors.dimensions).toBe(64);
    expect(Array.from(vectors.vectors)).toEqual(json.vectors.flat().map(Math.fround));
    expect(metadata).toEqual({ sentences: rows.map((row) => row[1]), labels: rows.map((row) => row[2]) });

    // The heatmap, rows grouped by label: hovering the first cell names the pair and its cosine.
    await page.getByText('Similarity heatmap').click();
    await page.getByLabel('Order rows').selectOption('label');
    const heatmap = page.getByTestId('heatmap');
    await expect(heatmap).toHaveAttribute('data-order', '0,1,2,3,4,5,6');
    await heatmap.hover({ position: { x: 5, y: 5 } });
    await expect(page.getByTestId('heatmap-tip')).toContainText(`1. “${rows[0]?.[1]}” vs 1.`);
    await expect(page.getByTestId('heatmap-tip')).toContainText('cosine 1.0000');
    // In the last cell the tip turns towards the middle: inside the square, clear of the pointer.
    const plot = await heatmap.boundingBox();
    if (!plot) throw new Error('the heatmap has no box');
    const side = plot.height; // the canvas spans the column; its cells, a square of its height
    await heatmap.hover({ position: { x: side - 5, y: side - 5 } });
    await expect(page.getByTestId('heatmap-tip')).toContainText(`7. “${rows[6]?.[1]}” vs 7.`);
    const [tip, square] = [await page.getByTestId('heatmap-tip').boundingBox(), await heatmap.boundingBox()];
    if (!tip || !square) throw new Error('the tip or the heatmap has no box');
    expect(tip.x >= square.x && tip.y >= square.y).toBe(true);
    expect(tip.x + tip.width < square.x + side - 5 && tip.y + tip.height < square.y + side - 5).toBe(true);
    // Its axes number the sentences in the rows' order; its colour scale runs from -1 to 1.
    const heatmapView = page.getByRole('region', { name: 'Cosine similarity heatmap' });
    await expect(heatmapView.getByTestId('x-axis')).toContainText(
      'Sentence number (column), grouped by label',
    );
    await expect(heatmapView.getByTestId('y-axis')).toContainText('Sentence number (row)');
    const numbers = rows.map((_, index) => String(index + 1));
    await expect(heatmapView.getByTestId('y-axis').getByTestId('tick')).toHaveText(numbers);
    await expect(heatmapView.getByTestId('x-axis').getByTestId('tick')).toHaveText(numbers);
    await expect(heatmapView.getByRole('img', { name: /^Colour scale of cosine similarity/ })).toHaveCSS(
      'background-image',
      DIVERGING,
    );
    await expect(heatmapView.getByTestId('colour-scale-value')).toHaveText(['-1', '0', '1']);
    await expect(heatmapView.getByTestId('colour-scale')).toContainText('Cosine similarity');

    // UMAP lays the same points out in the analysis worker.
    await page.getByRole('button', { name: 'UMAP', exact: true }).click();
    await expect(page.getByRole('button', { name: 'UMAP', exact: true })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    const scatter = page.getByRole('region', { name: 'Map of the sentences' });
    await expect(scatter.getByTestId('x-axis')).toHaveText(/UMAP 1$/);
    await expect(scatter.getByTestId('y-axis')).toHaveText(/^UMAP 2/);
    const umap = (await downloaded(page, 'map coordinates (TSV)')).trim().split('\n').slice(1);
    expect(umap).toHaveLength(rows.length);
    expect(
      umap.every((line) =>
        line
          .split('\t')
          .slice(0, 2)
          .every((value) => Number.isFinite(Number(value))),
      ),
    ).toBe(true);
  });

  test('a saved set survives a reload and embeds again from the cache; fp32 vs q8 drift is compared; the pooling view shows the tokens', async ({
    page,
    backend,
  }) => {
    await openApp(page, { model: MODEL, dtype: 'fp32', backend, panel: 'embeddings' });
    await expectBackend(page, backend);
    await page.getByLabel(/^Sentences, one per line/).fill(SENTENCES.slice(0, 5).join('\n'));
    await page.getByText(/^Saved sets/).click();
    await page.getByLabel('Set name').fill('Five sentences');
    await page.getByRole('button', { name: 'Save set' }).click();
    await page.getByRole('button', { name: 'Embed', exact: true }).click();
    await expect(page.getByTestId('run-summary')).toContainText('5 vectors');

    await page.reload();
    await expectBackend(page, backend);
    await page.getByText(/^Saved sets/).click();
    await page.getByLabel(/^Sentences, one per line/).fill('');
    await page.getByRole('button', { name: 'Five sentences', exact: true }).click();
    await expect(page.getByLabel(/^Sentences, one per line/)).toHaveValue(SENTENCES.slice(0, 5).join('\n'));
    await page.getByRole('button', { name: 'Embed', exact: true }).click();
    await expect(page.getByTestId('run-summary')).toContainText('(5 from this device’s cache)');

    await page.getByLabel('Weights').selectOption('q8');
    await expect(page.getByTestId('load-summary')).toContainText('(q8)');
    await page.getByRole('button', { name: 'Embed', exact: true }).click();
    await expect(page.getByTestId('run-summary')).toContainText('glassbox/tiny-embed · q8');
    await page.getByText('Compare with another model, dtype or backend').click();
    await expect(page.getByTestId('drift-row')).toHaveCount(5);
    const drift = await page.getByTestId('drift-row').locator('td:nth-child(2)').allTextContents();
    for (const value of drift.map(Number)) {
      expect(value).toBeGreaterThan(0.9); // 8-bit weights move the vectors a little…
      expect(value).toBeLessThan(1); // …but they do move
    }

    await page.getByText('How one sentence becomes a vector').click();
    const pooling = page.getByRole('region', { name: 'How one sentence becomes a vector' });
    await expect(pooling).toContainText(`“${SENTENCES[0]}” is`);
    // The strips' axes (dimensions across, tokens down) and their colour scale, symmetric around 0.
    await expect(pooling.getByTestId('x-axis')).toContainText('Dimension (0 to 63)');
    const dimensions = await tickValues(pooling.getByTestId('x-axis'));
    expect(dimensions[0]).toBe(0);
    expect(dimensions.at(-1)).toBeLessThanOrEqual(63);
    expect(dimensions.at(-1)).toBeGreaterThan(32);
    await expect(pooling.getByTestId('y-axis')).toContainText('Token (id)');
    await expect(pooling.getByRole('img', { name: /^Colour scale of value in each dimension/ })).toHaveCSS(
      'background-image',
      DIVERGING,
    );
    const [low, middle, high] = (await pooling.getByTestId('colour-scale-value').allTextContents()).map(
      Number,
    );
    expect(middle).toBe(0);
    expect(high).toBeGreaterThan(0);
    expect(low).toBe(-(high ?? NaN));
  });

  test('2,000 sentences embed with progress, cancel midway, and the search box takes typing during the run', async ({
    page,
    backend,
  }) => {
    const subjects = [
      'The cat',
      'A trader',
      'The storm',
      'My neighbour',
      'The model',
      'A student',
      'The river',
      'Our team',
    ];
    const verbs = ['watches', 'follows', 'ignores', 'describes', 'remembers'];
    const objects = [
      'the markets',
      'the garden',
      'a small boat',
      'the old map',
      'every token',
      'the bright moon',
      'a long list',
      'the weather',
      'some numbers',
      'the last train',
    ];
    const sentences = Array.from({ length: 2000 }, (_, i) => {
      const s = subjects[i % subjects.length] ?? '';
      const v = verbs[Math.floor(i / subjects.length) % verbs.length] ?? '';
      const o = objects[Math.floor(i / (subjects.length * verbs.length)) % objects.length] ?? '';
      return `${s} ${v} ${o} (${i}).`;
    });
    await openApp(page, { model: MODEL, dtype: 'fp32', backend, panel: 'embeddings' });
    await expectBackend(page, backend);
    await embedText(page, SENTENCES.slice(0, 3).join('\n'));
    await expect(page.getByTestId('run-summary')).toContainText('3 vectors');

    await embedText(page, sentences.join('\n'));
    const progress = page.getByTestId('embed-progress');
    const midway = /^(?!0 |2000 )\d+ \/ 2000$/;
    await expect(progress).toHaveText(midway);
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Embedding was cancelled' })).toBeVisible();
    await expect(page.getByTestId('run-summary')).toContainText('3 vectors'); // the earlier run is kept

    await page.getByRole('button', { name: 'Embed', exact: true }).click();
    await expect(progress).toHaveText(midway);
    const search = page.getByLabel('Search by meaning');
    await search.pressSequentially('typed while it embeds');
    await expect(search).toHaveValue('typed while it embeds');
    await expect(page.getByTestId('run-summary')).toContainText('2000 vectors', { timeout: 120_000 });
    await expect(page.getByTestId('scatter')).toHaveAttribute('data-bounds', /\d/);
  });
});
