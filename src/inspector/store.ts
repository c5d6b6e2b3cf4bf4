/**
 * The inspector's store: which model is open (loaded or not), what the inspector worker read of it, and
 * the tensor, vocabulary search and safetensors headers being looked at.
 */
import { create } from 'zustand';
import { engine } from '../app/engine.ts';
import type { EngineErrorData } from '../engine/protocol.ts';
import type { Window } from '../lib/onnx/stats.ts';
import type { SafetensorsReport } from '../lib/safetensors.ts';
import type {
  InspectTarget,
  InspectorEvent,
  InspectorRequest,
  OpenedModel,
  TensorReport,
} from './protocol.ts';

type EventOf<T extends InspectorEvent['type']> = Extract<InspectorEvent, { type: T }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

let worker: Worker | null = null;
let nextId = 1;
const listeners = new Map<number, (event: InspectorEvent) => void>();

/** One request to the inspector worker: its progress events, then its answer or its error. */
function request<T extends InspectorEvent['type']>(
  message: DistributiveOmit<InspectorRequest, 'id'>,
  answer: T,
  onProgress: (event: InspectorEvent) => void = () => {},
): Promise<EventOf<T>> {
  worker ??= Object.assign(
    new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'glassbox-inspector' }),
    {
      onmessage: (event: MessageEvent<InspectorEvent>) => listeners.get(event.data.id)?.(event.data),
    },
  );
  const id = nextId++;
  return new Promise((resolve, reject) => {
    listeners.set(id, (event) => {
      if (event.type === 'error' || event.type === answer) listeners.delete(id);
      if (event.type === 'error') reject(new Error((event.error as EngineErrorData).message));
      else if (event.type === answer) resolve(event as EventOf<T>);
      else onProgress(event);
    });
    worker?.postMessage({ ...message, id } as InspectorRequest);
  });
}

export interface TensorView {
  name: string;
  window: Window | null;
  column: number;
  block: number;
  report: TensorReport | null;
  error: string | null;
}

interface InspectorState {
  target: InspectTarget | null;
  opened: OpenedModel | null;
  reading: { loaded: number; total: number } | null;
  error: string | null;
  /** Opened by id (not a loaded model): a model that finishes loading meanwhile does not replace it. */
  pinned: boolean;
  open(target: InspectTarget, options?: { pinned?: boolean }): Promise<void>;
  /** Stops reading a model being opened; the loaded model (if any) opens again. */
  cancelOpen(): void;

  tensor: TensorView | null;
  showTensor(name: string, options?: Partial<Pick<TensorView, 'window' | 'column' | 'block'>>): Promise<void>;

  vocab: { query: string; entries: { id: number; token: string }[]; matches: number } | null;
  searchVocab(query: string): Promise<void>;
  tokenized: { text: string; tokens: { id: number; text: string }[] } | null;
  tokenize(text: string): Promise<void>;

  headers: { modelId: string; report: SafetensorsReport | null; error: string | null } | null;
  readHeaders(host: string, modelId: string): Promise<void>;
}

const sameTarget = (a: InspectTarget | null, b: InspectTarget) =>
  a?.host === b.host && a.modelId === b.modelId && a.dtype === b.dtype;

export const useInspectorStore = create<InspectorState>()((set, get) => ({
  target: null,
  opened: null,
  reading: null,
  error: null,
  pinned: false,

  async open(target, { pinned = false } = {}) {
    set({ pinned });
    if (sameTarget(get().target, target) && (get().opened || get().reading)) return;
    set({
      target,
      opened: null,
      reading: { loaded: 0, total: 0 },
      error: null,
      tensor: null,
      vocab: null,
      tokenized: null,
    });
    try {
      const { model } = await request({ type: 'open', target }, 'opened', (event) => {
        if (event.type === 'read-progress' && sameTarget(get().target, target))
          set({ reading: { loaded: event.loaded, total: event.total } });
      });
      if (sameTarget(get().target, target)) set({ opened: model, reading: null });
    } catch (error) {
      if (sameTarget(get().target, target)) set({ error: (error as Error).message, reading: null });
    }
  },

  cancelOpen() {
    worker?.postMessage({ type: 'cancel', id: nextId++ } satisfies InspectorRequest);
    set({ target: null, opened: null, reading: null, error: null, pinned: false });
  },

  tensor: null,

  async showTensor(name, options = {}) {
    const previous = get().tensor;
    const view: TensorView = {
      name,
      window:
        options.window !== undefined ? options.window : previous?.name === name ? previous.window : null,
      column: options.column ?? (previous?.name === name ? previous.column : 0),
      block: options.block ?? (previous?.name === name ? previous.block : 0),
      report: previous?.name === name ? previous.report : null,
      error: null,
    };
    set({ tensor: view });
    try {
      const { report } = await request(
        { type: 'tensor', name, window: view.window, column: view.column, block: view.block },
        'tensor-report',
      );
      if (get().tensor === view) set({ tensor: { ...view, report } });
    } catch (error) {
      if (get().tensor === view) set({ tensor: { ...view, error: (error as Error).message } });
    }
  },

  vocab: null,

  async searchVocab(query) {
    try {
      const page = await request({ type: 'vocab', query, limit: 120 }, 'vocab-page');
      set({ vocab: { query, entries: page.entries, matches: page.matches } });
    } catch (error) {
      set({ error: (error as Error).message });
    }
  },

  tokenized: null,

  async tokenize(text) {
    const target = get().target;
    if (!target) return;
    try {
      const tokens = await engine.tokenize(target.host, target.modelId, text);
      if (sameTarget(get().target, target)) set({ tokenized: { text, tokens } });
    } catch (error) {
      set({ error: (error as Error).message });
    }
  },

  headers: null,

  async readHeaders(host, modelId) {
    set({ headers: { modelId, report: null, error: null } });
    try {
      const { report } = await request({ type: 'headers', host, modelId }, 'headers-read');
      set({ headers: { modelId, report, error: null } });
    } catch (error) {
      set({ headers: { modelId, report: null, error: (error as Error).message } });
    }
  },
}));
