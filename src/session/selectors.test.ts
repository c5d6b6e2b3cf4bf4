import { describe, expect, it, vi } from 'vitest';
import type { LoadedModel } from '../engine/protocol.ts';
import {
  hostFor,
  selectCurrentSpec,
  selectFocusedModel,
  selectLoaded,
  selectLoadedCount,
} from './selectors.ts';
import type { SessionState, SlotState } from './types.ts';

const model = (id: string, slot: 'chat' | 'embedding'): LoadedModel => ({
  spec: {
    host: 'http://mirror',
    id,
    task: slot === 'chat' ? 'text-generation' : 'feature-extraction',
    dtype: 'q8',
  },
  slot,
  backend: 'wasm',
  threads: 2,
  config: {},
  loadMs: 10,
  bytes: 100,
  downloadedBytes: 0,
  resumes: 0,
  running: null,
});
const slot = (update: Partial<SlotState> = {}): SlotState => ({
  loaded: null,
  loading: null,
  error: null,
  damaged: null,
  ...update,
});
const state = (slots: Partial<SessionState['slots']>, focusSlot: SessionState['focusSlot'] = 'chat') => ({
  slots: { chat: slot(), embedding: slot(), ...slots },
  focusSlot,
});

describe('session selectors', () => {
  const chat = model('org/chat', 'chat');
  const embed = model('org/embed', 'embedding');

  it('give a slot’s loaded model and count the loaded ones', () => {
    const both = state({ chat: slot({ loaded: chat }), embedding: slot({ loaded: embed }) });
    expect(selectLoaded('embedding')(both)).toBe(embed);
    expect(selectLoadedCount(both)).toBe(2);
    expect(selectLoadedCount(state({}))).toBe(0);
  });

  it('show the model loading in a slot before the one it replaces', () => {
    const loading = { spec: embed.spec, files: [], loaded: 0, total: 0 };
    const replacing = state({
      chat: slot({ loaded: chat, loading: { ...loading, spec: { ...embed.spec, id: 'org/next' } } }),
    });
    expect(selectCurrentSpec('chat')(replacing)?.id).toBe('org/next');
    expect(selectCurrentSpec('chat')(state({ chat: slot({ loaded: chat }) }))?.id).toBe('org/chat');
    expect(selectCurrentSpec('embedding')(state({}))).toBeNull();
  });

  it('focus the model asked for last, else any loaded one', () => {
    expect(
      selectFocusedModel(
        state({ chat: slot({ loaded: chat }), embedding: slot({ loaded: embed }) }, 'embedding'),
      ),
    ).toBe(embed);
    expect(selectFocusedModel(state({ chat: slot({ loaded: chat }) }, 'embedding'))).toBe(chat);
    expect(selectFocusedModel(state({}))).toBeNull();
  });

  it('load every model from the mirror when one is set, else forged models from the app and others from the Hub', () => {
    vi.stubGlobal('self', { location: { href: 'http://classroom.test:4173/' } });
    expect(hostFor({ mirror: 'http://10.0.0.2:8080' }, 'glassbox/tiny-chat')).toBe('http://10.0.0.2:8080');
    expect(hostFor({ mirror: null }, 'glassbox/tiny-chat')).toBe('http://classroom.test:4173/models');
    expect(hostFor({ mirror: null }, 'HuggingFaceTB/SmolLM2-135M-Instruct')).toBe('https://huggingface.co');
    // A classroom server serves its models itself, whatever their usual host; a mirror still wins.
    const served = { studentUrls: [], models: ['HuggingFaceTB/SmolLM2-135M-Instruct'] };
    expect(hostFor({ mirror: null }, 'HuggingFaceTB/SmolLM2-135M-Instruct', served)).toBe(
      'http://classroom.test:4173/models',
    );
    expect(hostFor({ mirror: null }, 'Qwen/Qwen2.5-0.5B-Instruct', served)).toBe('https://huggingface.co');
    expect(hostFor({ mirror: 'http://10.0.0.2:8080' }, 'HuggingFaceTB/SmolLM2-135M-Instruct', served)).toBe(
      'http://10.0.0.2:8080',
    );
    vi.unstubAllGlobals();
  });
});
