import { beforeEach, describe, expect, it, vi } from 'vitest';

const loads: string[] = [];

vi.mock('./engine.ts', () => ({
  engine: {
    onCrash() {},
    load(spec: { id: string }) {
      loads.push(spec.id);
      return { done: new Promise(() => {}), cancel() {} };
    },
  },
}));

vi.mock('../pwa/register.ts', () => ({ allowModelHost: () => false }));

const { useAppStore } = await import('./store.ts');

describe('loadModel for a slot', () => {
  beforeEach(() => {
    loads.length = 0;
    useAppStore.setState(useAppStore.getInitialState());
  });

  it('does not load a model of the other kind into the other slot; a notice says where to choose it', async () => {
    const host = 'http://laptop/models';
    await useAppStore.getState().loadModel('teacher/embedder', 'fp32', {
      host,
      task: 'feature-extraction',
      slot: 'chat',
    });
    const state = useAppStore.getState();
    expect(loads).toEqual([]);
    expect(state.slots.embedding.loading).toBeNull();
    expect(state.focusSlot).toBe('chat');
    expect(state.notices).toEqual([
      'teacher/embedder is an embedding model, not a chat model: choose it on the Embeddings panel.',
    ]);

    await useAppStore.getState().loadModel('teacher/chatter', 'fp32', {
      host,
      task: 'text-generation',
      slot: 'embedding',
    });
    expect(useAppStore.getState().notices[1]).toBe(
      'teacher/chatter is a chat model, not an embedding model: choose it on the Chat panel.',
    );
  });

  it('loads a model of the slot’s kind', async () => {
    void useAppStore.getState().loadModel('teacher/embedder', 'fp32', {
      host: 'http://laptop/models',
      task: 'feature-extraction',
      slot: 'embedding',
    });
    await vi.waitFor(() => expect(loads).toEqual(['teacher/embedder']));
    expect(useAppStore.getState().focusSlot).toBe('embedding');
    expect(useAppStore.getState().notices).toEqual([]);
  });
});
