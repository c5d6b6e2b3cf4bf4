/**
 * Resolves on the next macrotask. A long computation that awaits it every so often lets the worker read
 * its messages (a cancel) in between. On WASM a whole generate() call can complete in microtasks, which
 * would starve `onmessage`; a MessageChannel hop, unlike setTimeout, is never clamped to 4 ms.
 *
 *   for (const batch of batches) { await nextTask(); if (signal.aborted) throw …; run(batch); }
 */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
