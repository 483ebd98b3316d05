// The inference worker threads: each started with the engine's best backend, given one batch at a time.
// A worker that dies fails what it was doing and is replaced; its models are forgotten with it.
import { Worker } from 'node:worker_threads';
import type { BackendInfo, BackendPreference } from '../training/backend';
import { threadsPerEngine } from '../training/backend/settings';
import { InferenceFailedError, InvalidImageError, PredictorClosedError } from './errors';
import type { BatchResult, FromInferenceWorker, InferenceWorkerData, ToInferenceWorker, WorkerBatch, WorkerError } from './inference-messages';

const ENTRY = new URL('./inference-worker-entry.mjs', import.meta.url);

/** Rebuilds a worker's error as the typed error callers handle (an image's 400 stays a 400). */
export function errorFromWorker(error: WorkerError): Error {
  if (error.type === 'invalid-image') return new InvalidImageError(error.message, error.details);
  return new InferenceFailedError(error.message, { ...error.details, cause: error.type });
}

/** A buffer that can move to the worker: a view spanning all of its own ArrayBuffer (a pooled Buffer slice is copied instead). */
function movable(view: Uint8Array): ArrayBuffer[] {
  const { buffer } = view;
  return buffer instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === buffer.byteLength ? [buffer] : [];
}

export interface InferenceWorker {
  readonly index: number;
  readonly backend: BackendInfo;
  /** Loads (and warms up) a model from its artifact bytes, which are moved to the worker. */
  load(versionId: string, modelJson: Uint8Array, weights: Uint8Array): Promise<void>;
  unload(versionId: string): void;
  /** Runs a batch; its tensor values are moved to the worker. */
  run(batch: WorkerBatch): Promise<BatchResult>;
}

interface PoolMember extends InferenceWorker {
  busy: boolean;
  terminate(): Promise<void>;
}

export interface InferencePoolOptions {
  workers: number;
  backend: BackendPreference;
  /** A worker became free (or started): queued batches can go. */
  onIdle(): void;
  /** A worker died: whatever it held is gone. */
  onWorkerLost(index: number, error: Error): void;
}

export class InferencePool {
  private readonly members: (PoolMember | null)[];
  private closing = false;
  /** Settles once every worker has started; rejects with the first startup failure. */
  readonly ready: Promise<void>;

  constructor(private readonly options: InferencePoolOptions) {
    this.members = Array.from({ length: options.workers }, () => null);
    this.ready = Promise.all(this.members.map((_, index) => this.startAt(index))).then(() => undefined);
    // Callers await `ready` when they need it; a failure must not also surface as an unhandled rejection.
    this.ready.catch(() => {});
  }

  /** A free worker, preferring the highest `score` (e.g. how many of the batch's models it holds), marked busy; null if all are busy. */
  acquire(score: (index: number) => number): InferenceWorker | null {
    let best: PoolMember | null = null;
    let bestScore = -Infinity;
    for (const member of this.members) {
      if (!member || member.busy) continue;
      const value = score(member.index);
      if (value > bestScore) [best, bestScore] = [member, value];
    }
    if (best) best.busy = true;
    return best;
  }

  /** What the first running worker computes on (they all start the same preference), for logs. */
  backend(): BackendInfo | null {
    return this.members.find((member) => member !== null)?.backend ?? null;
  }

  hasIdleWorker(): boolean {
    return this.members.some((member) => member !== null && !member.busy);
  }

  release(worker: InferenceWorker): void {
    const member = this.members[worker.index];
    // A replaced worker's handle frees nothing: its successor starts free.
    if (member !== worker) return;
    member.busy = false;
    this.options.onIdle();
  }

  unload(index: number, versionId: string): void {
    this.members[index]?.unload(versionId);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.members.map((member) => member?.terminate()));
  }

  private async startAt(index: number): Promise<void> {
    // The workers split the process's cores: each batch runs on one worker's share.
    const member = await startWorker(index, this.options.backend, threadsPerEngine(this.options.workers), (error) => {
      if (this.members[index] !== member) return;
      this.members[index] = null;
      this.options.onWorkerLost(index, error);
      if (!this.closing) void this.startAt(index).catch(() => {});
    });
    if (this.closing) {
      await member.terminate();
      return;
    }
    this.members[index] = member;
    this.options.onIdle();
  }
}

/** Starts one worker thread and waits until its backend is up. `onDeath` hears of a crash or exit after that. */
async function startWorker(index: number, backend: BackendPreference, threads: number, onDeath: (error: Error) => void): Promise<PoolMember> {
  const worker = new Worker(ENTRY, { workerData: { backend, threads } satisfies InferenceWorkerData });
  const send = (message: ToInferenceWorker, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);
  const pending = new Map<number, { resolve(result: BatchResult | undefined): void; reject(error: Error): void }>();
  let nextId = 1;
  let terminating = false;
  /** Why the worker is gone, once it is: a call made after that (a batch that was still reading model bytes) fails at once. */
  let deathReason: Error | null = null;

  const info = await new Promise<BackendInfo>((resolve, reject) => {
    const onStartup = (message: FromInferenceWorker) => {
      if (message.type === 'ready') resolve(message.backend);
      else if (message.type === 'startup-failed') reject(new InferenceFailedError(`inference worker, backend ${backend}: ${message.error.message}`));
      else return;
      worker.off('message', onStartup);
    };
    worker.on('message', onStartup);
    worker.once('exit', (code) => reject(new InferenceFailedError(`an inference worker exited with code ${code} while starting`)));
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });

  const die = (error: Error) => {
    const reason = terminating ? new PredictorClosedError('the predictor was closed before the batch finished') : error;
    deathReason ??= reason;
    for (const call of pending.values()) call.reject(reason);
    pending.clear();
    if (!terminating) onDeath(error);
  };
  worker.on('error', (error) => die(new InferenceFailedError(`an inference worker crashed: ${error.message}`)));
  worker.on('exit', (code) => die(new InferenceFailedError(`an inference worker exited with code ${code}`)));
  worker.on('message', (message: FromInferenceWorker) => {
    if (message.type !== 'done' && message.type !== 'failed') return;
    const call = pending.get(message.id);
    pending.delete(message.id);
    if (message.type === 'done') call?.resolve(message.result);
    else call?.reject(errorFromWorker(message.error));
  });

  const call = (build: (id: number) => ToInferenceWorker, transfer: ArrayBuffer[]) =>
    new Promise<BatchResult | undefined>((resolve, reject) => {
      // postMessage to an exited worker neither throws nor is ever answered.
      if (deathReason) return reject(deathReason);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      send(build(id), transfer);
    });

  return {
    index,
    backend: info,
    busy: false,
    load: async (versionId, modelJson, weights) => {
      await call((id) => ({ type: 'load', id, versionId, modelJson, weights }), [...movable(modelJson), ...movable(weights)]);
    },
    unload: (versionId) => send({ type: 'unload', versionId }),
    run: async (batch) => {
      const result = await call((id) => ({ type: 'run', id, batch }), [batch.tensorValues.buffer as ArrayBuffer]);
      if (!result) throw new InferenceFailedError('an inference worker answered a batch without its result');
      return result;
    },
    terminate: async () => {
      terminating = true;
      await worker.terminate();
    },
  };
}
