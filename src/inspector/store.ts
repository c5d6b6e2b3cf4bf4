/**
 * The inspector panel's store: which loaded model is open and its ONNX summary, read by the inspector worker.
 */
import { create } from 'zustand';
import { DTYPE_FILE_SUFFIX, type InspectorEvent, type LoadedModel } from '../engine/protocol.ts';
import type { OnnxSummary } from '../lib/onnx/summary.ts';

export interface Inspection {
  model: LoadedModel;
  file: string;
  fileBytes: number;
  fromStore: boolean;
  summary: OnnxSummary;
}

interface InspectorState {
  inspection: Inspection | null;
  reading: string | null;
  error: string | null;
  inspect(model: LoadedModel): void;
}

let worker: Worker | null = null;
let latestRequest = 0;

export function onnxFileOf(model: LoadedModel): string {
  return `onnx/model${DTYPE_FILE_SUFFIX[model.spec.dtype]}.onnx`;
}

export const useInspectorStore = create<InspectorState>()((set) => ({
  inspection: null,
  reading: null,
  error: null,

  inspect(model) {
    const file = onnxFileOf(model);
    const id = ++latestRequest;
    worker ??= new Worker(new URL('./worker.ts', import.meta.url), {
      type: 'module',
      name: 'glassbox-inspector',
    });
    worker.onmessage = (message: MessageEvent<InspectorEvent>) => {
      const event = message.data;
      if (event.id !== latestRequest) return; // superseded by a newer request
      if (event.type === 'error') set({ reading: null, error: event.error.message });
      else
        set({
          reading: null,
          inspection: {
            model,
            file,
            fileBytes: event.fileBytes,
            fromStore: event.fromStore,
            summary: event.summary,
          },
        });
    };
    set({ reading: `${model.spec.id}/${file}`, error: null });
    worker.postMessage({ type: 'summarize', id, host: model.spec.host, modelId: model.spec.id, path: file });
  },
}));
