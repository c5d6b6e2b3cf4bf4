/**
 * The UI's handle on the analysis worker: one request in, its progress events, one result out.
 *
 *   const layout = analysis.project(set, 'umap', 42, (p) => console.log(p.phase, p.done));
 *   const { coordinates } = await layout.done;
 */
import type { Running } from '../engine/client.ts';
import { EngineError } from '../engine/errors.ts';
import type { AnalysisEvent, AnalysisRequest, Projection, VectorSet } from './analysisProtocol.ts';

type EventOf<T extends AnalysisEvent['type']> = Extract<AnalysisEvent, { type: T }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

class AnalysisClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly listeners = new Map<number, (event: AnalysisEvent) => void>();

  analyse(set: VectorSet): Running<EventOf<'analysed'>> {
    return this.request({ type: 'analyse', set }, 'analysed');
  }

  project(
    set: VectorSet,
    method: Projection,
    seed: number,
    onProgress: (progress: EventOf<'project-progress'>) => void,
  ): Running<EventOf<'projected'>> {
    return this.request({ type: 'project', set, method, seed }, 'projected', (event) => {
      if (event.type === 'project-progress') onProgress(event);
    });
  }

  private request<T extends AnalysisEvent['type']>(
    request: DistributiveOmit<AnalysisRequest, 'id'>,
    terminal: T,
    onEvent: (event: AnalysisEvent) => void = () => {},
  ): Running<EventOf<T>> {
    const worker = (this.worker ??= this.spawn());
    const id = this.nextId++;
    const done = new Promise<EventOf<T>>((resolve, reject) => {
      this.listeners.set(id, (event) => {
        if (event.type === 'error' || event.type === terminal) this.listeners.delete(id);
        if (event.type === 'error') reject(EngineError.fromData(event.error));
        else if (event.type === terminal) resolve(event as EventOf<T>);
        else onEvent(event);
      });
    });
    // The vectors are copied, not transferred: the store keeps its own.
    worker.postMessage({ ...request, id } as AnalysisRequest);
    return { id, done, cancel: () => worker.postMessage({ type: 'cancel', id: this.nextId++, target: id }) };
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./analysis.worker.ts', import.meta.url), {
      type: 'module',
      name: 'glassbox-analysis',
    });
    worker.onmessage = (message: MessageEvent<AnalysisEvent>) =>
      this.listeners.get(message.data.id)?.(message.data);
    worker.onerror = (event) => {
      event.preventDefault();
      const error = new EngineError(
        'worker-crashed',
        `The analysis worker stopped: ${event.message || 'no message'}.`,
      );
      for (const listener of this.listeners.values())
        listener({ type: 'error', id: 0, error: error.toData() });
      this.listeners.clear();
      worker.terminate();
      this.worker = null;
    };
    return worker;
  }
}

export const analysis = new AnalysisClient();
