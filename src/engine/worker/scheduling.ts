/**
 * When the engine worker's work runs: loads one at a time, and long computations broken into tasks so
 * that a cancel (or any other call) is served between decoding steps and batches.
 *
 * Part of the engine worker; never imports UI modules.
 */
import type { PreTrainedModel } from '@huggingface/transformers';
import { nextTask } from '../../lib/nextTask.ts';

let loadQueue: Promise<unknown> = Promise.resolve();

/**
 * Runs `task` after every earlier one has settled: transformers.js reads its host from a global, downloads
 * share the disk, and ONNX Runtime builds one session at a time (Look inside's sessions queue here too).
 */
export function inLoadQueue<T>(task: () => Promise<T>): Promise<T> {
  const queued = loadQueue.then(task);
  loadQueue = queued.catch(() => {});
  return queued;
}

/** Makes each forward pass of `model` start on a fresh task, so calls are served between tokens. */
export function yieldBetweenSteps(model: PreTrainedModel): PreTrainedModel {
  const forward = model.forward.bind(model);
  model.forward = async (inputs: Parameters<PreTrainedModel['forward']>[0]) => {
    await nextTask();
    return forward(inputs);
  };
  return model;
}
