import type { Locator } from '@playwright/test';
import {
  expect,
  expectBackend,
  LONG_REPLY_TOKENS,
  openApp,
  replyTo,
  startLongReply,
  test,
} from './fixtures.ts';
import {
  referenceChatTokenIds,
  referenceNextTokenCandidates,
  referencePromptAfterWrittenReply,
  referencePromptIds,
  referenceReplyTo,
} from './reference.ts';

const MODEL = 'glassbox/tiny-chat';

async function tokenIdsOf(reply: Locator): Promise<number[]> {
  return ((await reply.getAttribute('data-token-ids')) ?? '').split(',').filter(Boolean).map(Number);
}

async function candidatesShown(reply: Locator): Promise<{ id: number; prob: number }[]> {
  return reply.getByTestId('candidate').evaluateAll((rows) =>
    rows.map((row) => ({
      id: Number(row.getAttribute('data-token-id')),
      prob: Number(row.getAttribute('data-prob')),
    })),
  );
}

test.describe('chat', () => {
  test('a reply streams and its token ids equal greedy decoding in Node', async ({ page, backend }) => {
    await openApp(page, { model: MODEL, dtype: 'fp32', backend, panel: 'chat' });
    await expectBackend(page, backend);
    await page.getByLabel('Max new tokens').fill('24');
    await page.getByRole('textbox', { name: 'Message' }).fill('Hello there, how do tokenizers work?');
    await page.getByRole('button', { name: 'Send' }).click();

    const reply = page.getByTestId('assistant-message');
    await expect(reply).toHaveCount(1);
    const ids = (await reply.getAttribute('data-token-ids'))?.split(',').map(Number) ?? [];
    const expected = await referenceChatTokenIds(
      MODEL,
      [{ role: 'user', content: 'Hello there, how do tokenizers work?' }],
      24,
    );
    expect(expected.length).toBeGreaterThan(4);
    expect(ids).toEqual(expected);
    await expect(reply.getByTestId('reply-stats')).toContainText(backend.toUpperCase());
    // The demo model's text is noise by design, and the chat says so, with a real model one click away.
    const notice = page.getByTestId('forged-notice');
    await expect(notice).toContainText('glassbox/tiny-chat is a demo model with random weights');
    await expect(notice.getByRole('button', { name: /^Load SmolLM2 135M/ })).toBeVisible();
  });

  test('turn 2 reuses the KV cache of all of turn 1 (its reply kept as written) and equals Node without a cache; after an edit of turn 1 the reply equals Node for the edited chat', async ({
    page,
    backend,
  }) => {
    const maxNewTokens = 12;
    await openApp(page, { model: MODEL, dtype: 'fp32', backend, panel: 'chat' });
    await expectBackend(page, backend);
    await page.getByLabel('Max new tokens').fill(String(maxNewTokens));
    const input = page.getByRole('textbox', { name: 'Message' });
    const replies = page.getByTestId('assistant-message');

    await input.fill('Hello there');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(replies).toHaveCount(1);
    // The exact text of the reply (its markdown source), as the next request sends it back.
    await replies.first().getByRole('button', { name: 'Source' }).click();
    const firstReply = (await replies.first().getByTestId('message-source').textContent()) ?? '';
    await input.fill('Tell me more about weights.');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(replies).toHaveCount(2);

    const firstIds = await tokenIdsOf(replies.first());
    const turnOne = [{ role: 'user' as const, content: 'Hello there' }];
    const prompt = await referencePromptAfterWrittenReply(
      MODEL,
      turnOne,
      { content: firstReply, tokenIds: firstIds },
      [{ role: 'user', content: 'Tell me more about weights.' }],
    );
    expect(await tokenIdsOf(replies.nth(1))).toEqual(await referenceReplyTo(MODEL, prompt, maxNewTokens));
    // Everything turn 1 computed is reused: its prompt and reply, all but the last token (never fed back).
    const turnOneLength = (await referencePromptIds(MODEL, turnOne)).length + firstIds.length;
    expect(Number(await replies.nth(1).getByTestId('reply-stats').getAttribute('data-reused'))).toBe(
      turnOneLength - 1,
    );

    // Edit turn 1: the history changes, so the cache must not serve the old prompt.
    await page
      .getByRole('article', { name: 'user message' })
      .first()
      .getByRole('button', { name: 'Edit' })
      .click();
    await page.getByRole('textbox', { name: 'Edit message' }).fill('Hi again');
    await page.getByRole('button', { name: 'Resend' }).click();
    await expect(page.getByRole('article', { name: 'user message' })).toHaveCount(1);
    await expect(replies).toHaveCount(1);
    const editedIds = (await replies.first().getAttribute('data-token-ids'))?.split(',').map(Number);
    expect(editedIds).toEqual(
      await referenceChatTokenIds(MODEL, [{ role: 'user', content: 'Hi again' }], maxNewTokens),
    );

    // Nothing was deleted: the message as it was, with both replies after it, is the earlier version,
    // after a reload too.
    const edited = page.getByRole('article', { name: 'user message' }).first();
    await expect(edited.getByTestId('version')).toHaveText('Version 2 of 2');
    await page.reload();
    await expect(edited.getByTestId('version')).toHaveText('Version 2 of 2');
    await edited.getByRole('button', { name: 'Previous version' }).click();
    await expect(page.getByTestId('message-text').first()).toHaveText('Hello there');
    await expect(replies).toHaveCount(2);
    expect(await tokenIdsOf(replies.first())).toEqual(firstIds);
  });

  test('token probabilities equal softmax in Node; continuing with the 2nd candidate branches the reply and the original stays reachable', async ({
    page,
    backend,
  }) => {
    const messages = [{ role: 'user' as const, content: 'Which token comes next?' }];
    const maxNewTokens = 8;
    const position = 2;
    await openApp(page, { model: MODEL, dtype: 'fp32', backend, panel: 'chat' });
    await expectBackend(page, backend);
    await page.getByLabel('Token probabilities').check();
    await page.getByLabel('Max new tokens').fill(String(maxNewTokens));
    await page.getByRole('textbox', { name: 'Message' }).fill(messages[0]?.content ?? '');
    await page.getByRole('button', { name: 'Send' }).click();

    const reply = page.getByTestId('assistant-message');
    await expect(reply).toHaveCount(1);
    const original = await tokenIdsOf(reply);
    await expect(reply.getByTestId('reply-token')).toHaveCount(original.length);
    await reply.getByTestId('reply-token').nth(position).click();
    await expect(reply.getByTestId('candidate')).toHaveCount(10);
    const shown = await candidatesShown(reply);
    const expected = await referenceNextTokenCandidates(MODEL, messages, original.slice(0, position), 10);
    expect(shown.map((candidate) => candidate.id)).toEqual(expected.map((candidate) => candidate.id));
    shown.forEach((candidate, rank) =>
      expect(Math.abs(candidate.prob - (expected[rank]?.prob ?? NaN))).toBeLessThan(1e-4),
    );
    // Greedy: the likeliest candidate is the one picked.
    expect(original[position]).toBe(expected[0]?.id);
    await expect(reply.getByTestId('candidate').first()).toHaveAttribute('aria-current', 'true');

    const second = expected[1]?.id ?? -1;
    await reply
      .getByTestId('candidate')
      .nth(1)
      .getByRole('button', { name: /^Continue with/ })
      .click();
    await expect(reply.getByTestId('version')).toHaveText('Version 2 of 2');
    const branched = await tokenIdsOf(reply);
    expect(branched[position]).toBe(second);
    expect(branched).toEqual(
      await referenceChatTokenIds(MODEL, messages, maxNewTokens, [...original.slice(0, position), second]),
    );
    // The branch reads the prompt and the kept tokens from the KV cache of the original reply.
    expect(Number(await reply.getByTestId('reply-stats').getAttribute('data-reused'))).toBeGreaterThan(0);

    await reply.getByRole('button', { name: 'Previous version' }).click();
    await expect(reply.getByTestId('version')).toHaveText('Version 1 of 2');
    expect(await tokenIdsOf(reply)).toEqual(original);
  });

  test('sampled token probabilities are those after temperature, top-k and top-p, and the pick is among them', async ({
    page,
    backend,
  }) => {
    test.skip(
      backend !== 'wasm',
      'the filters run in JavaScript on either backend; the logits are compared above',
    );
    const messages = [{ role: 'user' as const, content: 'Pick a word at random.' }];
    const sampling = { temperature: 0.7, topK: 6, topP: 0.6 };
    await openApp(page, { model: MODEL, dtype: 'fp32', backend, panel: 'chat' });
    await expectBackend(page, backend);
    await page.getByLabel('Token probabilities').check();
    await page.getByText(/^Sampling:/).click();
    await page.getByLabel('Greedy').uncheck();
    await page.getByLabel('Temperature').fill(String(sampling.temperature));
    await page.getByLabel('Top-k').fill(String(sampling.topK));
    await page.getByLabel('Top-p').fill(String(sampling.topP));
    await page.getByLabel('Max new tokens').fill('4');
    await page.getByRole('textbox', { name: 'Message' }).fill(messages[0]?.content ?? '');
    await page.getByRole('button', { name: 'Send' }).click();

    const reply = page.getByTestId('assistant-message');
    await expect(reply).toHaveCount(1);
    const ids = await tokenIdsOf(reply);
    await reply.getByTestId('reply-token').first().click();
    const expected = (await referenceNextTokenCandidates(MODEL, messages, [], 10, sampling)).filter(
      (candidate) => candidate.prob > 0,
    );
    // Top-p cut the candidates short of top-k: the test only means something if it did.
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(sampling.topK);
    await expect(reply.getByTestId('candidate')).toHaveCount(expected.length);
    const shown = await candidatesShown(reply);
    expect(shown.map((candidate) => candidate.id)).toEqual(expected.map((candidate) => candidate.id));
    shown.forEach((candidate, rank) =>
      expect(Math.abs(candidate.prob - (expected[rank]?.prob ?? NaN))).toBeLessThan(1e-4),
    );
    expect(expected.map((candidate) => candidate.id)).toContain(ids[0]);
  });

  test('Stop ends a long generation within a second and the next message still works', async ({
    page,
    backend,
  }) => {
    await openApp(page, { model: MODEL, dtype: 'fp32', backend, panel: 'chat' });
    await expectBackend(page, backend);
    // A 200-token reply would end before Stop is pressed.
    await startLongReply(page, 'Tell me a long story about the sea.');
    // Timed from the moment the click reached the page, so Playwright's own actionability checks don't count.
    await page.getByRole('button', { name: 'Stop' }).click();
    const stopClicked = Date.now();
    const reply = page.getByTestId('assistant-message');
    await expect(reply).toHaveCount(1, { timeout: 1_000 });
    expect(Date.now() - stopClicked).toBeLessThan(1_000);
    await expect(reply).toContainText('stopped');
    const stoppedIds = (await reply.getAttribute('data-token-ids'))?.split(',') ?? [];
    expect(stoppedIds.length).toBeLessThan(LONG_REPLY_TOKENS);

    await page.getByLabel('Max new tokens').fill('8');
    await page.getByRole('textbox', { name: 'Message' }).fill('And another one.');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(reply).toHaveCount(2);
  });

  test('a link to a missing model says so and the default model still loads', async ({
    page,
    backend,
    baseURL,
  }) => {
    test.skip(backend !== 'wasm', 'backend-independent');
    await openApp(page, {
      host: `${baseURL}/models`,
      model: 'glassbox/no-such-model',
      backend,
      panel: 'chat',
    });
    await expect(page.getByRole('alert').filter({ hasText: 'glassbox/no-such-model' })).toContainText('404');
    await page.getByRole('button', { name: 'Load Tiny chat (forged)' }).click();
    await expectBackend(page, backend);
    await page.getByRole('textbox', { name: 'Message' }).fill('Hi');
    await expect(page.getByRole('button', { name: 'Send' })).toBeEnabled();
  });
});

test('Auto passes over a software WebGPU adapter for WASM and says why; an explicit WebGPU still runs on it', async ({
  page,
  backend,
}) => {
  test.skip(backend !== 'webgpu', 'needs the SwiftShader adapter of the webgpu project');
  await openApp(page, { model: MODEL, dtype: 'fp32', backend: 'auto', panel: 'chat' });
  await expectBackend(page, 'wasm');
  const backendMenu = page.getByRole('banner').getByLabel('Backend');
  await expect(backendMenu).toHaveValue('auto');
  await expect(backendMenu.getByRole('option', { selected: true })).toHaveText(
    'Auto (WASM: the only WebGPU adapter is software)',
  );
  await backendMenu.selectOption('webgpu');
  await expectBackend(page, 'webgpu');
});

test('the same seed gives the same sampled reply after a reload, another seed a different one', async ({
  page,
  backend,
}) => {
  await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend, panel: 'chat' });
  await expectBackend(page, backend);
  await page.getByText(/^Sampling:/).click();
  await page.getByLabel('Greedy').uncheck();
  await page.getByLabel('Temperature').fill('0.8');
  await page.getByLabel('Seed').fill('7');
  await page.getByLabel('Max new tokens').fill('16');

  const reply = async (): Promise<string | null> => {
    await page.getByRole('textbox', { name: 'Message' }).fill('Roll the dice, please.');
    await page.getByRole('button', { name: 'Send' }).click();
    const message = page.getByTestId('assistant-message').last();
    await expect(message).toHaveAttribute('data-token-ids', /\d/);
    return message.getAttribute('data-token-ids');
  };
  const first = await reply();

  await page.reload(); // the settings persist
  await expectBackend(page, backend);
  await expect(page.getByText(/^Sampling: random, seeded/)).toBeVisible();
  await page.getByRole('button', { name: 'New chat' }).click();
  expect(await reply()).toBe(first);

  await page.getByText(/^Sampling:/).click();
  await page.getByLabel('Seed').fill('8');
  await page.getByRole('button', { name: 'New chat' }).click();
  expect(await reply()).not.toBe(first);
});

test('the prompt view shows the tokens that the tokenizer in Node makes of the chat template', async ({
  page,
  backend,
}) => {
  test.skip(backend !== 'wasm', 'tokenization is backend-independent');
  await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend, panel: 'chat' });
  await expectBackend(page, backend);
  await page.getByRole('textbox', { name: 'Message' }).fill('What is a token, exactly?');
  await page.getByText('What the model sees').click();
  await expect(page.getByTestId('prompt-text')).toContainText(
    '<|im_start|>user\nWhat is a token, exactly?<|im_end|>',
  );
  const expected = await referencePromptIds('glassbox/tiny-chat', [
    { role: 'user', content: 'What is a token, exactly?' },
  ]);
  const tokens = page.getByTestId('prompt-token');
  await expect(tokens).toHaveCount(expected.length);
  const shown = await tokens.evaluateAll((spans) =>
    spans.map((span) => Number(span.getAttribute('data-token-id'))),
  );
  expect(shown).toEqual(expected);
  await expect(page.getByText(`Context: ${expected.length} of 2048 tokens used`)).toBeVisible();
});

test('the page stays responsive while generating: typing in the message box works, and Esc stops the reply', async ({
  page,
  backend,
}) => {
  await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend, panel: 'chat' });
  await expectBackend(page, backend);
  await page.getByLabel('Max new tokens').fill('1000');
  const input = page.getByRole('textbox', { name: 'Message' });
  await input.fill('Write for a long time.');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('assistant-streaming')).toContainText(/\d+ tokens so far/);
  await input.pressSequentially('typed while it writes');
  await expect(input).toHaveValue('typed while it writes');
  await expect(page.getByTestId('assistant-streaming')).toBeVisible(); // still generating
  await input.press('Escape'); // the keyboard's Stop
  await expect(page.getByTestId('assistant-message')).toContainText('stopped');
});

test('a one-token reply says "1 token" and no rate, not "0.0 tok/s"', async ({ page, backend }) => {
  test.skip(backend !== 'wasm', 'words, not inference');
  await openApp(page, { model: MODEL, dtype: 'fp32', backend, panel: 'chat' });
  await expectBackend(page, backend);
  await replyTo(page, 'Hi', 1);
  const stats = page.getByTestId('reply-stats');
  await expect(stats.getByText(/^1 token · first token \d+ ms · — · WASM/)).toBeVisible();
  await expect(stats).not.toContainText('0.0 tok/s');
});
