import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATION } from '../chat/sampling.ts';
import { decodeFromLink, encodeForLink, newScene, newTour, readShared, readSharedFile } from './scene.ts';

const scene = newScene({
  title: 'Greedy decoding',
  note: 'The most likely token, every time.',
  panel: 'chat',
  backend: 'wasm',
  chat: {
    model: 'glassbox/tiny-chat',
    dtype: 'fp32',
    systemPrompt: 'Answer briefly.',
    settings: { ...DEFAULT_GENERATION, maxNewTokens: 16 },
    showProbabilities: true,
    colouring: 'entropy',
    turns: [
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Hi!' },
    ],
    message: 'What is a token?',
    teacher: { tokenIds: [318, 77, 2], dtype: 'fp32', backend: 'wasm' },
  },
  embeddings: {
    model: 'glassbox/tiny-embed',
    dtype: 'q8',
    text: 'A cat sleeps.\tanimals\nStocks fell.\tmoney',
    setName: 'Two topics',
    view: 'umap',
  },
  inspector: { model: 'glassbox/tiny-chat', dtype: 'fp32', tab: 'weights', tensor: 'model.norm.weight' },
});

describe('scenes and tours', () => {
  it('travel in a link and come back whole', async () => {
    const link = await encodeForLink(scene);
    expect(link).toMatch(/^[\w-]+$/);
    expect(await decodeFromLink(link)).toEqual({ ok: true, shared: { kind: 'scene', scene } });
    const tour = newTour('Three steps', [scene, { ...scene, title: 'Two' }, { ...scene, title: 'Three' }]);
    expect(await decodeFromLink(await encodeForLink(tour))).toEqual({
      ok: true,
      shared: { kind: 'tour', tour },
    });
  });

  it('clamp sampling settings that are out of range', () => {
    const read = readShared({ ...scene, chat: { ...scene.chat, settings: { maxNewTokens: 1e9 } } });
    expect(read.ok && read.shared.kind === 'scene' && read.shared.scene.chat?.settings.maxNewTokens).toBe(
      2048,
    );
  });

  it.each([
    ['not JSON', '{', 'it is not JSON'],
    ['another JSON', '{"format":"glassbox-conversation"}', 'not a Glassbox scene or tour'],
    [
      'a model id that climbs',
      JSON.stringify({ ...scene, chat: { ...scene.chat, model: '../x' } }),
      'chat.model',
    ],
    ['an unknown panel', JSON.stringify({ ...scene, panel: 'settings' }), 'panel'],
    [
      'a token id that is not one',
      JSON.stringify({
        ...scene,
        chat: { ...scene.chat, teacher: { ...scene.chat?.teacher, tokenIds: [-1] } },
      }),
      'chat.teacher.tokenIds',
    ],
    ['an empty tour', JSON.stringify(newTour('Empty', [])), 'steps'],
  ])('refuse %s, saying where', (_, text, problem) => {
    const read = readSharedFile(text);
    expect(read.ok).toBe(false);
    expect(read.ok ? '' : read.problem).toContain(problem);
  });

  it('refuse a link cut on the way', async () => {
    const link = await encodeForLink(scene);
    expect(await decodeFromLink(link.slice(0, link.length / 2))).toMatchObject({ ok: false });
  });
});
