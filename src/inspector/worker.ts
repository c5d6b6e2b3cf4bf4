/**
 * The inspector worker: reads a model's ONNX file (from the device's model store when the model is
 * stored, so nothing is downloaded twice) and its structure, off the UI thread.
 * It may not import React, zustand or transformers.js.
 */
import { modelFileUrl, type InspectorEvent, type InspectorRequest } from '../engine/protocol.ts';
import { summarizeOnnx } from '../lib/onnx/summary.ts';
import { ModelStore } from '../models/storage/modelStore.ts';

const store = new ModelStore();

function post(event: InspectorEvent): void {
  self.postMessage(event);
}

async function readModelFile(
  host: string,
  modelId: string,
  path: string,
): Promise<{ bytes: Uint8Array; fromStore: boolean }> {
  const stored = await store.file(host, modelId, path);
  if (stored) return { bytes: new Uint8Array(await stored.arrayBuffer()), fromStore: true };
  const url = modelFileUrl(host, modelId, path);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}.`);
  return { bytes: new Uint8Array(await response.arrayBuffer()), fromStore: false };
}

self.onmessage = async (message: MessageEvent<InspectorRequest>) => {
  const { id, host, modelId, path } = message.data;
  try {
    const { bytes, fromStore } = await readModelFile(host, modelId, path);
    post({ type: 'summarized', id, summary: summarizeOnnx(bytes), fileBytes: bytes.byteLength, fromStore });
  } catch (error) {
    post({
      type: 'error',
      id,
      error: { code: 'internal', message: error instanceof Error ? error.message : String(error) },
    });
  }
};
