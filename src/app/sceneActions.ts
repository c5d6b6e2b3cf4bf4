/**
 * Scenes made from what is on screen, and put back on screen: the stores of the session, the chat, the
 * embeddings and the inspector are read to make one, and set (models loaded, the set embedded, the
 * tensor opened) to show one.
 *
 *   const scene = captureScene({ title: 'Greedy decoding', note: '…', panel: 'chat' });
 *   await showScene(scene); // on a student's laptop
 */
import { CHAT_DRAFT_KEY } from '../chat/ChatPanel.tsx';
import { useChatStore } from '../chat/store.ts';
import type { ChatTurn } from '../chat/types.ts';
import type { Dtype } from '../core/model.ts';
import { selectCurrentRun } from '../embeddings/selectors.ts';
import { useEmbeddingsStore } from '../embeddings/store.ts';
import { useInspectorStore } from '../inspector/store.ts';
import { newId } from '../lib/newId.ts';
import { hostFor } from '../session/selectors.ts';
import { useAppStore } from '../session/store.ts';
import { readSessionText } from '../ui/useSessionText.ts';
import type { Panel } from './deepLink.ts';
import { newScene, type Scene } from './scene.ts';

const composerDraft = () => readSessionText(CHAT_DRAFT_KEY);

/**
 * The chat part of a scene. The conversation's last user message becomes the message students send, and
 * the reply after it the teacher's reply they compare with; without turns, the message being typed.
 */
function captureChat(): Scene['chat'] {
  const loaded = useAppStore.getState().slots.chat.loaded;
  if (!loaded) return null;
  const chat = useChatStore.getState();
  const lastAsked = chat.turns.findLastIndex((turn) => turn.role === 'user');
  const asked: ChatTurn | undefined = chat.turns[lastAsked];
  const reply = lastAsked >= 0 ? chat.turns[lastAsked + 1] : undefined;
  const before = lastAsked >= 0 ? chat.turns.slice(0, lastAsked) : chat.turns;
  return {
    model: loaded.spec.id,
    dtype: loaded.spec.dtype,
    systemPrompt: chat.systemPrompt,
    settings: chat.settings,
    showProbabilities: chat.showProbabilities,
    colouring: chat.colouring,
    turns: before
      .filter((turn) => turn.role !== 'system')
      .map((turn) => ({
        role: turn.role === 'user' ? ('user' as const) : ('assistant' as const),
        content: turn.content,
        ...(turn.tokenIds ? { tokenIds: turn.tokenIds } : {}),
      })),
    message: asked?.content ?? composerDraft(),
    teacher:
      reply?.tokenIds && reply.stats
        ? { tokenIds: reply.tokenIds, dtype: reply.stats.dtype, backend: reply.stats.backend }
        : null,
  };
}

function captureEmbeddings(): Scene['embeddings'] {
  const loaded = useAppStore.getState().slots.embedding.loaded;
  if (!loaded) return null;
  const embeddings = useEmbeddingsStore.getState();
  return {
    model: loaded.spec.id,
    dtype: loaded.spec.dtype,
    text: embeddings.text,
    setName: embeddings.setName,
    view: embeddings.projection?.method ?? 'pca',
  };
}

function captureInspector(): Scene['inspector'] {
  const { target, tab, tensor } = useInspectorStore.getState();
  if (!target) return null;
  return { model: target.modelId, dtype: target.dtype, tab, tensor: tensor?.name ?? null };
}

export function captureScene({ title, note, panel }: { title: string; note: string; panel: Panel }): Scene {
  return newScene({
    title,
    note,
    panel,
    backend: useAppStore.getState().backendChoice,
    chat: captureChat(),
    embeddings: captureEmbeddings(),
    inspector: captureInspector(),
  });
}

/** Loads `model` in its slot unless it is loaded (or loading) already on the chosen backend. */
async function ensureLoaded(model: string, dtype: Dtype): Promise<void> {
  const app = useAppStore.getState();
  const same = (spec: { id: string; dtype: string } | undefined | null) =>
    spec?.id === model && spec.dtype === dtype;
  const current = [app.slots.chat, app.slots.embedding].some(
    (slot) => same(slot.loaded?.spec) && !slot.loading,
  );
  if (!current) await app.loadModel(model, dtype);
}

/** Puts `scene` on screen; the caller has asked the person first when it replaces their work. */
export async function showScene(scene: Scene): Promise<void> {
  const app = useAppStore.getState();
  // Set, not chosen through setBackendChoice: that would reload the models on screen, about to be replaced.
  if (app.backendChoice !== scene.backend) useAppStore.setState({ backendChoice: scene.backend });
  window.location.hash = `#/${scene.panel}`;

  if (scene.chat) {
    const { chat } = scene;
    const store = useChatStore.getState();
    store.show({
      id: newId(),
      title: scene.title,
      createdAt: Date.now(),
      updatedAt: Date.now(),
      model: chat.model,
      systemPrompt: chat.systemPrompt,
      settings: chat.settings,
      turns: chat.turns,
    });
    store.setShowProbabilities(chat.showProbabilities);
    store.setColouring(chat.colouring);
    store.setDraftFromScene(chat.message);
    store.setTeacherReply(
      chat.teacher && chat.message ? { message: chat.message, model: chat.model, ...chat.teacher } : null,
    );
    await ensureLoaded(chat.model, chat.dtype);
  }
  if (scene.embeddings) {
    const { embeddings } = scene;
    const store = useEmbeddingsStore.getState();
    store.setText(embeddings.text);
    store.setSetName(embeddings.setName);
    await ensureLoaded(embeddings.model, embeddings.dtype);
    if (
      embeddings.text.trim() &&
      useAppStore.getState().slots.embedding.loaded?.spec.id === embeddings.model
    ) {
      await useEmbeddingsStore.getState().embed();
      if (selectCurrentRun(useEmbeddingsStore.getState()) && embeddings.view !== 'pca') {
        await useEmbeddingsStore.getState().project(embeddings.view);
      }
    }
  }
  if (scene.inspector) {
    const { inspector } = scene;
    const store = useInspectorStore.getState();
    await store.open(
      {
        host: hostFor(useAppStore.getState(), inspector.model),
        modelId: inspector.model,
        dtype: inspector.dtype,
      },
      { pinned: true },
    );
    store.setTab(inspector.tab);
    if (inspector.tensor && useInspectorStore.getState().opened) await store.showTensor(inspector.tensor);
  }
}

/** What showing `scene` replaces of the person's own work, in words (empty: nothing). */
export function replacedWork(scene: Scene): string[] {
  const replaced: string[] = [];
  const chat = useChatStore.getState();
  if (scene.chat) {
    if (chat.turns.length > 0)
      replaced.push('the chat on screen gives way to a new one (yours stays saved in the list)');
    if (composerDraft().trim()) replaced.push('the message you are typing');
  }
  const text = useEmbeddingsStore.getState().text;
  if (scene.embeddings && text.trim() && text !== scene.embeddings.text) {
    replaced.push('the sentences in the Embeddings editor (save them as a set first to keep them)');
  }
  return replaced;
}
