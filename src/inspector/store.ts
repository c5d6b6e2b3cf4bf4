/**
 * The inspector's store: which model is open (loaded or not), what the inspector worker read of it, and
 * the tensor, vocabulary search and safetensors headers being looked at.
 */
import { create } from 'zustand';
import { messageOf } from '../lib/errors.ts';
import type { Window } from '../lib/onnx/stats.ts';
import type { SafetensorsReport } from '../lib/safetensors.ts';
import { WorkerClient, type Running } from '../lib/workerRpc.ts';
import { engine } from '../session/engine.ts';
import { InspectorError } from './errors.ts';
import type { InspectTarget, InspectorApi, OpenedModel, TensorReport } from './protocol.ts';

const inspector = new WorkerClient<InspectorApi, InspectorError>(
  () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'glassbox-inspector' }),
  {
    fromData: InspectorError.fromData,
    crashed: (reason) =>
      new InspectorError(
        'worker-crashed',
        `The inspector stopped while it worked (${reason}). Nothing else was affected: open the model again.`,
      ),
  },
);

/** The model file being read, so that Cancel or opening another model stops it. */
let opening: Running<OpenedModel> | null = null;

/** The inspector's views, by name as links and scenes keep them. */
export const INSPECTOR_TABS = {
  overview: 'Overview',
  graph: 'Graph',
  weights: 'Weights',
  tokenizer: 'Tokenizer',
  card: 'Model card',
} as const;
export type InspectorTab = keyof typeof INSPECTOR_TABS;

export interface TensorView {
  name: string;
  window: Window | null;
  column: number;
  block: number;
  report: TensorReport | null;
  error: string | null;
}

interface InspectorState {
  tab: InspectorTab;
  setTab(tab: InspectorTab): void;
  target: InspectTarget | null;
  opened: OpenedModel | null;
  reading: { loaded: number; total: number } | null;
  error: string | null;
  /** Opened by id (not a loaded model): a model that finishes loading meanwhile does not replace it. */
  pinned: boolean;
  /** The last model that opened: offered back when the one asked for after it fails. */
  lastOpened: InspectTarget | null;
  /** Opens a model; it replaces what the inspector showed (another model, or safetensors headers). */
  open(target: InspectTarget, options?: { pinned?: boolean }): Promise<void>;
  /** Stops reading a model being opened; the loaded model (if any) opens again. */
  cancelOpen(): void;

  tensor: TensorView | null;
  showTensor(name: string, options?: Partial<Pick<TensorView, 'window' | 'column' | 'block'>>): Promise<void>;

  vocab: { query: string; entries: { id: number; token: string }[]; matches: number } | null;
  searchVocab(query: string): Promise<void>;
  tokenized: { text: string; tokens: { id: number; text: string }[] } | null;
  tokenize(text: string): Promise<void>;

  /** Safetensors headers being read or shown: while they are, the open model is not shown. */
  headers: { modelId: string; report: SafetensorsReport | null; error: string | null } | null;
  readHeaders(host: string, modelId: string): Promise<void>;
  /** Back from the headers to the model open before them. */
  closeHeaders(): void;
}

export const sameTarget = (a: InspectTarget | null, b: InspectTarget) =>
  a?.host === b.host && a.modelId === b.modelId && a.dtype === b.dtype;

export const useInspectorStore = create<InspectorState>()((set, get) => ({
  tab: 'overview',
  setTab(tab) {
    set({ tab });
  },
  target: null,
  opened: null,
  reading: null,
  error: null,
  pinned: false,
  lastOpened: null,

  async open(target, { pinned = false } = {}) {
    set({ pinned, headers: null });
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
    opening?.cancel(); // the model being read, if any, is not wanted any more
    const request = inspector.call('open', { target }, (reading) => {
      if (sameTarget(get().target, target)) set({ reading });
    });
    opening = request;
    try {
      const model = await request.done;
      if (sameTarget(get().target, target)) set({ opened: model, reading: null, lastOpened: target });
    } catch (error) {
      if (sameTarget(get().target, target)) set({ error: messageOf(error), reading: null });
    } finally {
      if (opening === request) opening = null;
    }
  },

  cancelOpen() {
    opening?.cancel();
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
      const report = await inspector.call('tensor', {
        name,
        window: view.window,
        column: view.column,
        block: view.block,
      }).done;
      if (get().tensor === view) set({ tensor: { ...view, report } });
    } catch (error) {
      if (get().tensor === view) set({ tensor: { ...view, error: messageOf(error) } });
    }
  },

  vocab: null,

  async searchVocab(query) {
    try {
      const page = await inspector.call('vocab', { query, limit: 120 }).done;
      set({ vocab: { query, entries: page.entries, matches: page.matches } });
    } catch (error) {
      set({ error: messageOf(error) });
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
      set({ error: messageOf(error) });
    }
  },

  headers: null,

  async readHeaders(host, modelId) {
    // Asked for by the reader: a model that finishes loading meanwhile does not replace them.
    const asked = { modelId, report: null, error: null };
    set({ headers: asked, pinned: true });
    // A model opened, or other headers asked for, meanwhile take their place.
    const wanted = () => get().headers === asked;
    try {
      const report = await inspector.call('headers', { host, modelId }).done;
      if (wanted()) set({ headers: { modelId, report, error: null } });
    } catch (error) {
      if (wanted()) set({ headers: { modelId, report: null, error: messageOf(error) } });
    }
  },

  closeHeaders() {
    set({ headers: null });
  },
}));

// A crashed worker forgot the open model: the panel says so and offers to open it again.
inspector.onCrash((error) =>
  useInspectorStore.setState({
    opened: null,
    reading: null,
    tensor: null,
    vocab: null,
    error: error.message,
  }),
);
