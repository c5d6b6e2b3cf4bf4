/**
 * The table of bad inputs and faults a real classroom produces, in the manner of Netron's sample-file list:
 * each case brings one about, names the message a person must read, and then checks what must hold after
 * every fault: the app still answers, the conversation saved before is intact, no script ran, and no
 * panel crashed.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { buildPresetModel } from '../tools/forge/buildModel.ts';
import { encodeModel } from '../tools/forge/onnx/proto.ts';
import { PRESETS } from '../tools/forge/presets.ts';
import { LONG_REPLY_TOKENS, openApp, replyTo, test, expect, type AppLink, type Mirrors } from './fixtures.ts';
import { modelDir } from './reference.ts';
import { startStaticServer, type StaticServer } from './staticServer.ts';

interface FaultContext {
  mirrors: Mirrors;
  /** A plain static server of `root`, stopped after the test (no CORS headers, as many hosts). */
  staticHost(root: string): Promise<string>;
  /** Writes `content` to a new temporary file and returns its path. */
  file(name: string, content: string): Promise<string>;
}

interface Fault {
  /** What goes wrong, as a person would tell it. */
  name: string;
  panel: AppLink['panel'];
  /** Brings the fault about. */
  cause(page: Page, context: FaultContext): Promise<void>;
  /** The message a person must read. */
  message: RegExp;
  /** What else must hold after this fault. */
  then?(page: Page): Promise<void>;
}

const KEEPER_TITLE = 'Keeper conversation';

const conversationFile = (fields: Record<string, unknown>) =>
  JSON.stringify({
    format: 'glassbox-conversation',
    version: 1,
    title: 'Imported',
    createdAt: 0,
    model: null,
    settings: {},
    messages: [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'x' },
    ],
    replies: [],
    ...fields,
  });

/** Puts `record` in the app's conversation store as another version of the app (or a person) might. */
function storeConversationRecord(page: Page, record: unknown, key: string): Promise<void> {
  return storeRecord(page, 'glassbox-chat', 'conversations', record, key);
}

/** Puts `record` under `key` in an object store of the app's (keyed by `id`) that the app has opened. */
async function storeRecord(
  page: Page,
  databaseName: string,
  storeName: string,
  record: unknown,
  key: string,
): Promise<void> {
  await page.evaluate(
    async ({ databaseName, storeName, record, key }) => {
      const database = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(databaseName);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error('open failed'));
      });
      await new Promise<void>((resolve, reject) => {
        const transaction = database.transaction(storeName, 'readwrite');
        // The stores are keyed by `id`: a value that is not an object is wrapped under its key.
        const value = typeof record === 'object' && record !== null ? record : { id: key, value: record };
        transaction.objectStore(storeName).put(value);
        transaction.oncomplete = () => resolve();
        transaction.onerror = () => reject(transaction.error ?? new Error('write failed'));
      });
      database.close();
    },
    { databaseName, storeName, record, key },
  );
}

/** Sends `text` on the loaded chat model and waits for the whole (short) reply. */
async function send(page: Page, text: string, maxNewTokens = 4): Promise<void> {
  await page.getByLabel('Max new tokens').fill(String(maxNewTokens));
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

async function replyDone(page: Page): Promise<void> {
  await expect(page.getByTestId('assistant-streaming')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
}

/** A second tab of the app on the chat, showing the same (newest) conversation. */
async function secondTab(page: Page): Promise<Page> {
  const other = await page.context().newPage();
  await openApp(other, { backend: 'wasm', panel: 'chat' });
  await expect(other.getByRole('article', { name: 'user message' }).first()).toContainText('keep me');
  await expect(other.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm');
  return other;
}

const DEMO_CHAT = 'glassbox/tiny-chat';

/** A loopback port nothing listens on: one the system just gave out, closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A model host (a folder for the mirror) holding the demo chat model and a copy of it, `broken/<name>`,
 * damaged by `damage` (given the copy's folder of files).
 */
function hostWithBrokenModel(name: string, damage: (files: string) => void): string {
  const root = mkdtempSync(path.join(tmpdir(), 'glassbox-broken-'));
  const demo = path.dirname(path.dirname(modelDir(DEMO_CHAT))); // <org>/<name>, above resolve/main
  cpSync(demo, path.join(root, DEMO_CHAT), { recursive: true });
  cpSync(demo, path.join(root, 'broken', name), { recursive: true });
  damage(path.join(root, 'broken', name, 'resolve/main'));
  return root;
}

/** Replaces every `from` in a file with `to` (of the same length), as a damaged or hostile export would. */
function replaceBytes(file: string, from: string, to: string): void {
  const bytes = readFileSync(file);
  writeFileSync(file, Buffer.from(bytes.toString('latin1').replaceAll(from, to), 'latin1'));
}

/**
 * With the demo chat model loaded, a student loads `broken/<name>` from a mirror holding it: the app must
 * say what is wrong, and the demo model must still chat afterwards.
 */
async function loadBrokenModel(
  page: Page,
  context: FaultContext,
  name: string,
  damage: (files: string) => void,
): Promise<void> {
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm');
  const mirror = await context.mirrors.start([
    hostWithBrokenModel(name, damage),
    '--port',
    '0',
    '--host',
    '127.0.0.1',
  ]);
  await page.getByRole('link', { name: 'Models' }).click();
  await page.getByLabel('Mirror URL').fill(mirror.url);
  await page.getByRole('button', { name: 'Use mirror' }).click();
  await page.getByLabel('Model id').fill(`broken/${name}`);
  await page.getByRole('button', { name: 'Check' }).click();
  await page.getByRole('button', { name: 'Load fp32' }).click();
  await page.getByRole('link', { name: 'Chat' }).click();
}

/**
 * A model loads after the failure (in one worker, the runtime once failed every load after a failed one)
 * and replies: the demo chat model, from the mirror.
 */
async function chatStillWorks(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Models' }).click();
  await page.getByRole('button', { name: 'Load Tiny chat (forged)' }).first().click();
  await expect(page.getByTestId('load-summary').first()).toContainText('127.0.0.1');
  await page.getByRole('link', { name: 'Chat' }).click();
  await page.getByRole('button', { name: 'New chat' }).click();
  await replyTo(page, 'Still there?');
}

async function importConversation(page: Page, context: FaultContext, content: string): Promise<void> {
  await page.getByLabel('Import JSON').setInputFiles(await context.file('conversation.json', content));
}

const FAULTS: Fault[] = [
  {
    name: 'a conversation file whose reply has empty stats',
    panel: 'chat',
    cause: (page, context) =>
      importConversation(page, context, conversationFile({ replies: [{ stats: {} }] })),
    message: /^x$/,
    then: async (page) => {
      await expect(page.getByTestId('assistant-message')).toContainText('x');
      await page.reload();
      await expect(page.getByTestId('assistant-message')).toContainText('x');
    },
  },
  {
    name: 'a conversation file asking for a billion new tokens',
    panel: 'chat',
    cause: (page, context) =>
      importConversation(page, context, conversationFile({ settings: { maxNewTokens: 1e9, topK: -4 } })),
    message: /^x$/,
    then: async (page) => {
      await expect(page.getByLabel('Max new tokens')).toHaveValue('2048');
      await expect(page.getByLabel('Top-k')).toHaveValue('0');
    },
  },
  {
    name: 'a conversation file with a script in a title',
    panel: 'chat',
    cause: (page, context) =>
      importConversation(
        page,
        context,
        conversationFile({
          title: '<img src=x onerror="alert(1)">',
          messages: [{ role: 'user', content: 'hi' }],
        }),
      ),
    message: /<img src=x onerror="alert\(1\)">/,
  },
  {
    name: 'a conversation file that is HTML',
    panel: 'chat',
    cause: (page, context) => importConversation(page, context, '<!doctype html><title>404</title>'),
    message: /This is not a Glassbox conversation file: it is not JSON/,
  },
  {
    name: 'a conversation file from a newer version',
    panel: 'chat',
    cause: (page, context) => importConversation(page, context, conversationFile({ version: 7 })),
    message: /version 7 is not one this app reads/,
  },
  {
    name: 'a stored conversation written by a newer version of the app',
    panel: 'chat',
    cause: async (page) => {
      await storeConversationRecord(
        page,
        { id: 'future', schema: 9, title: 'From the future', updatedAt: 5, turns: [] },
        'future',
      );
      await page.reload();
    },
    message: /From the future cannot be opened: it was saved as version 9/,
    then: async (page) => {
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export From the future as stored' }).click();
      expect((await download).suggestedFilename()).toMatch(/^From-the-future-as-stored\.json$/);
      await page.getByRole('button', { name: 'Delete From the future' }).click();
      await expect(page.getByTestId('broken-conversation')).toHaveCount(0);
    },
  },
  {
    name: 'a stored conversation whose reply stats are empty (once it crashed the panel at every reload)',
    panel: 'chat',
    cause: async (page) => {
      await storeConversationRecord(
        page,
        {
          id: 'empty-stats',
          title: 'Empty stats',
          createdAt: 1,
          updatedAt: Date.now() + 1000,
          model: null,
          systemPrompt: '',
          settings: {},
          turns: [
            { role: 'user', content: 'q' },
            { role: 'assistant', content: 'an answer that survives', stats: {} },
          ],
        },
        'empty-stats',
      );
      await page.reload();
    },
    message: /an answer that survives/,
  },
  {
    name: 'a stored conversation without turns',
    panel: 'chat',
    cause: async (page) => {
      await storeConversationRecord(page, { id: 'no-turns', title: 'No turns', updatedAt: 3 }, 'no-turns');
      await page.reload();
    },
    message: /No turns cannot be opened: the conversation has no list of turns/,
  },
  {
    name: 'a stored record that is not an object',
    panel: 'chat',
    cause: async (page) => {
      await storeConversationRecord(page, 'garbage', 'garbage');
      await page.reload();
    },
    message: /Unreadable conversation cannot be opened/,
  },
  {
    name: 'two tabs add turns to the same conversation, one after the other',
    panel: 'chat',
    cause: async (page) => {
      await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm');
      const other = await secondTab(page);
      await send(other, 'B from tab two');
      await replyDone(other);
      // This tab follows: it shows the other tab's turn before its own is added.
      await expect(page.getByText('B from tab two')).toBeVisible();
      await send(page, 'A from tab one');
      await replyDone(page);
      await other.close();
      await page.reload();
    },
    message: /Another tab added to this conversation|B from tab two/,
    then: async (page) => {
      await expect(page.getByText('B from tab two')).toBeVisible();
      await expect(page.getByText('A from tab one')).toBeVisible();
    },
  },
  {
    name: 'another tab deletes the conversation this one shows',
    panel: 'chat',
    cause: async (page) => {
      await expect(page.getByRole('button', { name: KEEPER_TITLE, exact: true })).toBeVisible();
      const other = await secondTab(page);
      await other.getByRole('button', { name: `Delete ${KEEPER_TITLE}` }).click();
      await expect(other.getByRole('button', { name: KEEPER_TITLE, exact: true })).toHaveCount(0);
      await other.close();
    },
    message: /Another tab deleted this conversation. It stays open here/,
    then: async (page) => {
      // Gone from this tab's list too, its turns still on screen and saved again by the next message.
      await expect(page.getByRole('button', { name: KEEPER_TITLE, exact: true })).toHaveCount(0);
      await expect(page.getByText('keep me')).toBeVisible();
      await send(page, 'still here');
      await replyDone(page);
      await expect(page.getByRole('button', { name: KEEPER_TITLE, exact: true })).toBeVisible();
    },
  },
  {
    name: 'two tabs write to the same conversation at once',
    panel: 'chat',
    cause: async (page) => {
      await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm');
      const other = await secondTab(page);
      // A long reply in this tab; meanwhile the other tab adds its own turn and reply.
      await send(page, 'A from tab one', LONG_REPLY_TOKENS);
      await expect(other.getByText('A from tab one')).toBeVisible();
      await send(other, 'B from tab two');
      await replyDone(other);
      await replyDone(page);
      await other.close();
    },
    message: /Another tab changed “Keeper conversation” while this one was writing to it/,
    then: async (page) => {
      await page.reload();
      await page.getByRole('button', { name: 'Keeper conversation (this tab)', exact: true }).click();
      await expect(page.getByText('A from tab one')).toBeVisible();
      await page.getByRole('button', { name: KEEPER_TITLE, exact: true }).click();
      await expect(page.getByText('B from tab two')).toBeVisible();
    },
  },
  (() => {
    let repair = () => {};
    return {
      name: 'a model whose model.onnx was cut short (the host vouches for it: its hash matches)',
      panel: 'chat' as const,
      cause: (page: Page, context: FaultContext) =>
        loadBrokenModel(page, context, 'truncated-onnx', (files) => {
          const onnx = path.join(files, 'onnx/model.onnx');
          const whole = readFileSync(onnx);
          truncateSync(onnx, Math.floor(whole.length / 2));
          repair = () => writeFileSync(onnx, whole);
        }),
      message:
        /The ONNX file of "broken\/truncated-onnx" cannot be read: it is damaged, cut short or not an ONNX model/,
      then: async (page: Page) => {
        // The host repaired, the stored copy is offered to download again, and then loads.
        repair();
        await page
          .getByRole('button', {
            name: 'Delete the stored files of broken/truncated-onnx and download them again',
          })
          .click();
        await expect(page.getByTestId('load-summary')).toContainText('broken/truncated-onnx');
        await expect(page.getByTestId('load-summary')).toContainText('downloaded');
        await replyTo(page, 'Still there?');
      },
    };
  })(),
  {
    name: 'a model whose model.onnx is an HTML page',
    panel: 'chat',
    cause: (page, context) =>
      loadBrokenModel(page, context, 'html-onnx', (files) =>
        writeFileSync(path.join(files, 'onnx/model.onnx'), '<!doctype html><title>Not found</title>'),
      ),
    message: /onnx\/model.onnx of broken\/html-onnx on .* is not usable: it is an HTML page/,
    then: chatStillWorks,
  },
  {
    name: 'a model whose graph uses an operation ONNX Runtime does not know',
    panel: 'chat',
    cause: (page, context) =>
      loadBrokenModel(page, context, 'unknown-op', (files) =>
        replaceBytes(path.join(files, 'onnx/model.onnx'), 'MatMul', 'MatMux'),
      ),
    message: /"broken\/unknown-op" uses an operation that ONNX Runtime Web cannot run here/,
    then: chatStillWorks,
  },
  {
    name: 'a model whose tokenizer.json is cut short',
    panel: 'chat',
    cause: (page, context) =>
      loadBrokenModel(page, context, 'truncated-tokenizer', (files) => {
        const tokenizer = path.join(files, 'tokenizer.json');
        truncateSync(tokenizer, Math.floor(readFileSync(tokenizer).length / 2));
      }),
    message: /tokenizer.json of broken\/truncated-tokenizer on .* is not usable: it is not valid JSON/,
    then: chatStillWorks,
  },
  {
    name: 'a model whose chat template does not parse',
    panel: 'chat',
    cause: (page, context) =>
      loadBrokenModel(page, context, 'broken-template', (files) => {
        const file = path.join(files, 'tokenizer_config.json');
        const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
        writeFileSync(file, JSON.stringify({ ...config, chat_template: '{% for message in messages %}' }));
      }),
    message: /The chat template of "broken\/broken-template" .* cannot be used/,
    then: chatStillWorks,
  },
  {
    name: 'other weights are chosen while a reply streams',
    panel: 'chat',
    cause: async (page) => {
      await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm');
      await send(page, 'Tell me a long story about the sea.', LONG_REPLY_TOKENS);
      await expect(page.getByTestId('assistant-streaming')).toContainText(/([3-9]|\d\d+) tokens so far/);
      await page.getByLabel('Weights').selectOption('q8');
      await replyDone(page);
    },
    message: /The reply stopped because another chat model was loaded\. Its text so far is kept/,
    then: async (page) => {
      // The partial reply is kept, marked stopped, and the new weights reply.
      const partial = page.getByTestId('assistant-message').last();
      await expect(partial).toHaveAttribute('data-token-ids', /\d/);
      await expect(partial.getByTestId('reply-stats')).toContainText('stopped');
      await page.reload();
      await expect(page.getByTestId('assistant-message').last()).toHaveAttribute('data-token-ids', /\d/);
      await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm');
      await send(page, 'And now?');
      await replyDone(page);
      await expect(page.getByTestId('assistant-message')).toHaveCount(2);
    },
  },
  {
    name: 'a model host that does not let the app read it (no CORS headers)',
    panel: 'models',
    cause: async (page, context) => {
      await page.getByLabel('Mirror URL').fill(await context.staticHost('public/models'));
      await page.getByRole('button', { name: 'Use mirror' }).click();
      await page.getByLabel('Model id').fill(DEMO_CHAT);
      await page.getByRole('button', { name: 'Check' }).click();
    },
    message:
      /^Could not reach http:\/\/127\.0\.0\.1:\d+: the network or the host is down, or the host does not let this page read it \(CORS\)\. Check the host's address and that it is running, or load a model stored on this device\.$/,
  },
  {
    name: 'a model host that refuses connections (nothing listens on its port)',
    panel: 'models',
    cause: async (page) => {
      await page.getByLabel('Mirror URL').fill(`http://127.0.0.1:${await closedPort()}`);
      await page.getByRole('button', { name: 'Use mirror' }).click();
      await page.getByLabel('Model id').fill(DEMO_CHAT);
      await page.getByRole('button', { name: 'Check' }).click();
    },
    message:
      /^Could not reach http:\/\/127\.0\.0\.1:\d+: the network or the host is down, or the host does not let this page read it \(CORS\)\. Check the host's address and that it is running, or load a model stored on this device\.$/,
    then: async (page) => {
      // The browser's own words are one click away, not the headline.
      const problem = page.getByTestId('repository-error');
      await expect(problem).not.toContainText('Failed to fetch');
      await problem.getByText('Details').click();
      await expect(problem.getByRole('listitem')).toHaveText('Failed to fetch');
    },
  },
  {
    name: 'a model id that climbs out of the store (../..)',
    panel: 'models',
    cause: async (page) => {
      await page.getByLabel('Model id').fill('../..');
      await page.getByRole('button', { name: 'Check' }).click();
    },
    message: /"\.\.\/\.\." is not a model id: write it as org\/name/,
  },
  {
    name: 'a link to a model id that climbs out of the store (./.)',
    panel: 'chat',
    cause: (page) => openApp(page, { model: './.', backend: 'wasm', panel: 'chat' }),
    message: /Link ignored: .*\.\/\./,
  },
  {
    name: 'a scene link cut short on the way (a QR code read in part)',
    panel: 'chat',
    cause: async (page) => {
      await page.goto('/?scene=q1ZKSy1KLS5RsgJRxanF#/chat');
    },
    message: /The scene in this link cannot be opened: the link was cut or changed on the way/,
  },
  {
    name: 'a scene file whose panel does not exist',
    panel: 'chat',
    cause: async (page) => {
      await page.getByText('Classroom', { exact: true }).click();
      await page.getByLabel('Open a scene or tour file').setInputFiles({
        name: 'lesson.glassbox.json',
        mimeType: 'application/json',
        buffer: Buffer.from(
          JSON.stringify({ format: 'glassbox-scene', version: 1, title: 'x', note: '', panel: 'nowhere' }),
        ),
      });
    },
    message: /The file lesson\.glassbox\.json cannot be opened: panel: Invalid type/,
    then: async (page) => {
      const alert = page.getByRole('alert').filter({ hasText: 'lesson.glassbox.json' });
      await alert.getByRole('button', { name: 'Dismiss' }).click();
      await expect(alert).toHaveCount(0);
    },
  },
  {
    name: 'a stored embedding set whose text is not text',
    panel: 'embeddings',
    cause: async (page) => {
      await expect(page.getByText(/^Saved sets \(\d+\)$/)).toBeVisible();
      await storeRecord(
        page,
        'glassbox-embeddings',
        'sets',
        { id: 'odd', name: 'Odd set', text: 42, updatedAt: 1 },
        'odd',
      );
      await page.reload();
      await page.getByText(/^Saved sets/).click();
    },
    message: /Odd set cannot be opened: text: Invalid type: Expected string but received 42/,
    then: async (page) => {
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export Odd set as stored' }).click();
      expect((await download).suggestedFilename()).toBe('Odd set-as-stored.json');
      await page.getByRole('button', { name: 'Delete Odd set' }).click();
      await expect(page.getByTestId('broken-set')).toHaveCount(0);
    },
  },
  {
    name: 'a 50 MB CSV file to import',
    panel: 'embeddings',
    cause: async (page) => {
      const row = 'a sentence long enough to fill a classroom file quickly,label\n';
      await page.getByLabel('Import CSV, TSV or text').setInputFiles({
        name: 'everything.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`text,label\n${row.repeat(Math.ceil(50e6 / row.length))}`),
      });
    },
    message: /everything\.csv is 50 MB; Glassbox imports files up to 20 MB/,
  },
  {
    name: 'sentences that a spreadsheet would run as formulas, exported as metadata.tsv',
    panel: 'embeddings',
    cause: async (page) => {
      await page.getByRole('button', { name: 'Load Tiny embeddings (forged)' }).first().click();
      await page
        .getByLabel(/^Sentences, one per line/)
        .fill('=HYPERLINK("http://x.example","win")\n+1+1\n@SUM(A1)');
      await page.getByRole('button', { name: 'Embed', exact: true }).click();
      await expect(page.getByTestId('run-summary')).toContainText('3 vectors');
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'metadata.tsv', exact: true }).click();
      const text = await readFile(await (await download).path(), 'utf8');
      expect(text.split('\n').filter(Boolean)).toEqual([
        `'=HYPERLINK("http://x.example","win")`,
        "'+1+1",
        "'@SUM(A1)",
      ]);
    },
    message: /3 vectors/,
  },
  {
    name: 'every stored model deleted, then one loaded again in the same tab',
    panel: 'storage',
    cause: async (page) => {
      await expect(page.getByTestId('stored-model').first()).toBeVisible();
      await page.getByRole('button', { name: 'Delete all models' }).click();
      await page.getByRole('button', { name: 'Yes, delete all models' }).click();
      await expect(page.getByTestId('stored-model')).toHaveCount(0);
      // The engine worker must not write into the folder that was just deleted.
      await page.getByRole('link', { name: 'Models' }).click();
      await page.getByRole('button', { name: 'Load Tiny chat (forged)' }).first().click();
      await page.getByRole('link', { name: 'Chat' }).click();
    },
    message: /downloaded/,
    then: async (page) => {
      await replyTo(page, 'Still there?');
    },
  },
  (() => {
    // The file taken away, to be put back on the host after the failure.
    let putBack = () => {};
    return {
      name: 'a model whose tokenizer.json the host lacks, added later (a 404 is asked again)',
      panel: 'chat' as const,
      cause: (page: Page, context: FaultContext) =>
        loadBrokenModel(page, context, 'missing-tokenizer', (files) => {
          const tokenizer = path.join(files, 'tokenizer.json');
          const bytes = readFileSync(tokenizer);
          rmSync(tokenizer);
          putBack = () => writeFileSync(tokenizer, bytes);
        }),
      message:
        /tokenizer\.json of broken\/missing-tokenizer is missing on http:\/\/127\.0\.0\.1:\d+, and the model cannot load without it/,
      then: async (page: Page) => {
        putBack();
        await page.getByRole('link', { name: 'Models' }).click();
        await page.getByLabel('Model id').fill('broken/missing-tokenizer');
        await page.getByRole('button', { name: 'Check' }).click();
        await page.getByRole('button', { name: 'Load fp32' }).click();
        await expect(page.getByTestId('load-summary').first()).toContainText('broken/missing-tokenizer');
      },
    };
  })(),
  {
    name: 'a conversation file with a message of an unknown role',
    panel: 'chat',
    cause: (page, context) =>
      importConversation(
        page,
        context,
        conversationFile({ messages: [{ role: 'tool', content: 'rm -rf /' }] }),
      ),
    message: /This is not a Glassbox conversation file: it: message 1 has role "tool"/,
  },
  {
    name: 'a model id the host does not have (404)',
    panel: 'models',
    cause: async (page) => {
      // The app's own model folder as the host: a static host, without the Hub's API.
      await page.getByLabel('Mirror URL').fill(new URL('/models', page.url()).href);
      await page.getByRole('button', { name: 'Use mirror' }).click();
      await page.getByLabel('Model id').fill('glassbox/no-such-model');
      await page.getByRole('button', { name: 'Check' }).click();
    },
    message: /There is no model "glassbox\/no-such-model" on .* \(it has no config\.json\)/,
  },
  {
    name: 'a host whose weights do not match the sha256 it announces',
    panel: 'chat',
    cause: async (page, context) => {
      await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm');
      const mirror = await context.mirrors.start([
        'public/models',
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--corrupt',
        `${DEMO_CHAT}/resolve/main/onnx/model_quantized.onnx:bytes`,
      ]);
      await page.getByRole('link', { name: 'Models' }).click();
      await page.getByLabel('Mirror URL').fill(mirror.url);
      await page.getByRole('button', { name: 'Use mirror' }).click();
      await page.getByLabel('Model id').fill(DEMO_CHAT);
      await page.getByRole('button', { name: 'Check' }).click();
      await page.getByRole('button', { name: 'Load q8' }).click();
      await page.getByRole('link', { name: 'Chat' }).click();
    },
    message: /onnx\/model_quantized\.onnx arrived damaged: its sha256 is [0-9a-f]{64}, the host announced/,
    then: async (page) => {
      // The model loaded before is still the one that answers.
      await replyTo(page, 'Still there?');
    },
  },
  {
    name: 'a CSV file with a quote that never closes',
    panel: 'embeddings',
    cause: (page) =>
      page.getByLabel('Import CSV, TSV or text').setInputFiles({
        name: 'broken.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('text,label\n"an open quote,x\nmore,y\n'),
      }),
    message: /broken\.csv, row \d+: .*[Qq]uote/,
  },
  {
    name: 'an empty text file to import',
    panel: 'embeddings',
    cause: (page) =>
      page
        .getByLabel('Import CSV, TSV or text')
        .setInputFiles({ name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.from('\n\n  \n') }),
    message: /empty\.txt has no text\./,
  },
  {
    name: 'a CSV file whose sentences hold markup and script',
    panel: 'embeddings',
    cause: async (page) => {
      await page.getByLabel('Import CSV, TSV or text').setInputFiles({
        name: 'hostile.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('text,label\n"<img src=x onerror=alert(1)>",a\n"<script>alert(2)</script>",b\n'),
      });
      await page.getByRole('button', { name: 'Use these columns' }).click();
    },
    message: /2 sentences, 2 labels/,
    then: async (page) => {
      await expect(page.getByLabel(/^Sentences, one per line/)).toHaveValue(/<img src=x onerror=alert\(1\)>/);
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      expect(await page.locator('script').filter({ hasText: 'alert(2)' }).count()).toBe(0);
    },
  },
  {
    name: 'other weights are chosen while an embedding runs',
    panel: 'embeddings',
    cause: async (page) => {
      await page.getByRole('button', { name: 'Load Tiny embeddings (forged)' }).first().click();
      const embed = page.getByRole('button', { name: 'Embed', exact: true });
      await expect(embed).toBeEnabled();
      await page.getByLabel('Import CSV, TSV or text').setInputFiles({
        name: 'many.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from(
          Array.from({ length: 12000 }, (_, i) => `sentence ${i} about the sea and its tides`).join('\n'),
        ),
      });
      await page.getByRole('button', { name: 'Use these columns' }).click();
      await embed.click();
      await expect(page.getByTestId('embed-progress')).toContainText(/^[1-9]\d* \/ 12000/);
      await page.getByLabel('Weights').selectOption('q8');
    },
    message: /Embedding stopped because another embedding model was loaded\. Embed again to use it\./,
    then: async (page) => {
      await expect(page.getByTestId('load-summary')).toContainText('(q8)');
      await page.getByLabel(/^Sentences, one per line/).fill('one\ntwo');
      await page.getByRole('button', { name: 'Embed', exact: true }).click();
      await expect(page.getByTestId('run-summary')).toContainText('2 vectors');
    },
  },
  {
    name: 'a model whose weights are in an external data file the host lacks (it once hung at 100 %)',
    panel: 'chat',
    cause: (page, context) =>
      loadBrokenModel(page, context, 'missing-data', (files) => {
        // Weights beside the graph, as exports past 2 GiB ship them, with the data file missing.
        const encoded = encodeModel(buildPresetModel(PRESETS['tiny-chat']), {
          externalThresholdBytes: 0,
          externalDataFile: 'model.onnx_data',
        });
        writeFileSync(path.join(files, 'onnx/model.onnx'), encoded.onnx);
        const configFile = path.join(files, 'config.json');
        const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
        writeFileSync(
          configFile,
          JSON.stringify({ ...config, 'transformers.js_config': { use_external_data_format: true } }),
        );
      }),
    message:
      /onnx\/model\.onnx_data of broken\/missing-data is missing on http:\/\/127\.0\.0\.1:\d+, and the model cannot load without it/,
    then: chatStillWorks,
  },
];

test.describe('faults and bad inputs', () => {
  test.skip(({ backend }) => backend !== 'wasm', 'these faults do not depend on the backend');

  for (const fault of FAULTS) {
    test(fault.name, async ({ page, mirrors }) => {
      const dialogs: string[] = [];
      const pageErrors: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      const servers: StaticServer[] = [];
      const context: FaultContext = {
        mirrors,
        staticHost: async (root) => {
          const server = await startStaticServer(root);
          servers.push(server);
          return server.url;
        },
        file: async (name, content) => {
          const file = path.join(tmpdir(), `glassbox-fault-${Date.now()}-${name}`);
          await writeFile(file, content);
          return file;
        },
      };

      try {
        await runFault(page, fault, context);
      } finally {
        await Promise.all(servers.map((server) => server.stop()));
      }
      expect(dialogs, 'dialogs opened (a script ran)').toEqual([]);
      expect(pageErrors, 'uncaught errors in the page').toEqual([]);
    });
  }
});

/** Brings `fault` about with a conversation saved before it, then checks what must hold after any fault. */
async function runFault(page: Page, fault: Fault, context: FaultContext): Promise<void> {
  // Something the person had before the fault: a saved conversation.
  await openApp(page, { backend: 'wasm', panel: 'chat' });
  await importConversation(
    page,
    context,
    conversationFile({ title: KEEPER_TITLE, messages: [{ role: 'user', content: 'keep me' }] }),
  );
  await expect(page.getByRole('button', { name: KEEPER_TITLE, exact: true })).toBeVisible();
  if (fault.panel !== 'chat') await page.getByRole('link', { name: fault.panel, exact: false }).click();

  await fault.cause(page, context);
  await expect(page.getByText(fault.message).first()).toBeVisible();
  await fault.then?.(page);

  // What must hold after every fault.
  await expect(page.getByText(/panel failed|cannot be shown/)).toHaveCount(0);
  await page.getByRole('link', { name: 'Chat' }).click();
  await page.getByRole('button', { name: KEEPER_TITLE, exact: true }).click();
  await expect(page.getByRole('article', { name: 'user message' }).first()).toContainText('keep me');
}
