import { openApp, test, expect } from './fixtures.ts';
import { referenceOnnxInitializers, referenceParameterCount } from './reference.ts';

const MODEL = 'glassbox/tiny-chat';

for (const dtype of ['fp32', 'q4'] as const) {
  test(`inspector shows the config, true parameter count and initializers of ${dtype} weights`, async ({
    page,
    backend,
  }) => {
    test.skip(backend !== 'wasm', 'backend-independent');
    await openApp(page, { model: MODEL, dtype, backend, panel: 'inspector' });
    const count = page.getByTestId('parameter-count');
    await expect(count).toBeVisible({ timeout: 120_000 });
    expect(Number(await count.getAttribute('data-parameters'))).toBe(await referenceParameterCount(MODEL));

    const config = page.getByRole('table', { name: 'config.json' });
    await expect(config.getByRole('row', { name: /^model_type / })).toContainText('llama');

    const initializers = await referenceOnnxInitializers(MODEL, dtype);
    await expect(page.getByTestId('initializer-row')).toHaveCount(initializers.length);
    const first = initializers[0];
    if (!first) throw new Error('the forged model has no initializers');
    await page.getByLabel('Filter initializers').fill(first.name);
    await expect(page.getByTestId('initializer-row').first()).toContainText(`[${first.dims.join(', ')}]`);
  });
}
