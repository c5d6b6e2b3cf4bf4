/**
 * The inspector worker: fetches a model's ONNX file (from the transformers.js cache when the model is
 * loaded, so nothing is downloaded twice) and reads its structure off the UI thread.
 * It may not import React, zustand or transformers.js.
 */
import type { InspectorEvent, InspectorRequest } from '../engine/protocol.ts';
import { summarizeOnnx } from '../lib/onnx/summary.ts';

/** The Cache Storage name transformers.js stores model files under (its `env.cacheKey`). */
const TRANSFORMERS_CACHE = 'transformers-cache';

function post(event: InspectorEvent): void {
  self.postMessage(event);
}

async function readModelFile(url: string): Promise<{ bytes: Uint8Array; fromCache: boolean }> {
  const cached = 'caches' in self ? await (await caches.open(TRANSFORMERS_CACHE)).match(url) : undefined;
  const response = cached ?? (await fetch(url));
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}.`);
  return { bytes: new Uint8Array(await response.arrayBuffer()), fromCache: cached !== undefined };
}

self.onmessage = async (message: MessageEvent<InspectorRequest>) => {
  const { id, url } = message.data;
  try {
    const { bytes, fromCache } = await readModelFile(url);
    post({ type: 'summarized', id, summary: summarizeOnnx(bytes), fileBytes: bytes.byteLength, fromCache });
  } catch (error) {
    post({
      type: 'error',
      id,
      error: { code: 'internal', message: error instanceof Error ? error.message : String(error) },
    });
  }
};
