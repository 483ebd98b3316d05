// Dynamic batching: requests for the same target wait together, briefly, and leave as one batch when it is
// full, when its oldest request has waited long enough, and only when there is a free worker to run it.
import { PredictionQueueFullError } from './errors';

/** How a target's requests are coalesced; `overrides` are by target name (a model's or an ensemble's). */
export interface BatchingSettings {
  /** Rows per batch at most (a single larger request still goes alone); 1 turns batching off. */
  maxBatchSize: number;
  /** How long the oldest request of a batch may wait for others while a worker is free. */
  maxQueueDelayMs: number;
  /** Rows a target may have waiting; beyond, requests are refused with PredictionQueueFullError. */
  maxQueuedRows: number;
  overrides: Record<string, Partial<{ maxBatchSize: number; maxQueueDelayMs: number }>>;
}

export const DEFAULT_BATCHING: BatchingSettings = { maxBatchSize: 64, maxQueueDelayMs: 2, maxQueuedRows: 4096, overrides: {} };

/** What the queue needs to know of a request. */
export interface Queued {
  rows: number;
  /** performance.now() when it was enqueued. */
  enqueuedAt: number;
}

/** Runs batches on limited capacity (the worker pool). */
export interface BatchRunner<R> {
  /** Whether a batch could start now. */
  idle(): boolean;
  /** Starts a batch, claiming its capacity before returning; settles (never rejects) once that capacity is free again. */
  run(batch: R[]): Promise<void>;
}

interface TargetQueue<R> {
  key: string;
  name: string;
  requests: R[];
  rows: number;
  /** The head has waited its maxQueueDelayMs (its timer fired). */
  due: boolean;
  timer: NodeJS.Timeout | null;
}

export class BatchingQueue<R extends Queued> {
  private readonly targets = new Map<string, TargetQueue<R>>();

  constructor(
    private readonly settings: BatchingSettings,
    private readonly runner: BatchRunner<R>,
  ) {}

  /** Queues a request under `key` (the batching key) and dispatches what is ready; throws PredictionQueueFullError when full. */
  enqueue(key: string, name: string, request: R): void {
    let target = this.targets.get(key);
    if (!target) {
      target = { key, name, requests: [], rows: 0, due: false, timer: null };
      this.targets.set(key, target);
    }
    if (target.rows + request.rows > this.settings.maxQueuedRows) {
      throw new PredictionQueueFullError(name, target.rows, this.settings.maxQueuedRows);
    }
    target.requests.push(request);
    target.rows += request.rows;
    if (target.requests.length === 1) this.schedule(target);
    this.pump();
  }

  /** Dispatches ready batches while the runner has capacity; called again whenever capacity frees up. */
  pump(): void {
    while (this.runner.idle()) {
      const target = this.nextReady();
      if (!target) return;
      const batch = this.take(target);
      const next = () => this.pump();
      void this.runner.run(batch).then(next, next);
    }
  }

  /** Rows waiting for `key` (not yet dispatched). */
  queuedRows(key: string): number {
    return this.targets.get(key)?.rows ?? 0;
  }

  /** Removes and returns every waiting request (closing). */
  drain(): R[] {
    const all = [...this.targets.values()].flatMap((target) => {
      if (target.timer) clearTimeout(target.timer);
      return target.requests;
    });
    this.targets.clear();
    return all;
  }

  private limits(name: string): { maxBatchSize: number; maxQueueDelayMs: number } {
    const override = this.settings.overrides[name] ?? {};
    return {
      maxBatchSize: override.maxBatchSize ?? this.settings.maxBatchSize,
      maxQueueDelayMs: override.maxQueueDelayMs ?? this.settings.maxQueueDelayMs,
    };
  }

  private isReady(target: TargetQueue<R>, now: number): boolean {
    const head = target.requests[0];
    if (!head) return false;
    const { maxBatchSize, maxQueueDelayMs } = this.limits(target.name);
    return target.due || target.rows >= maxBatchSize || now - head.enqueuedAt >= maxQueueDelayMs;
  }

  /** The ready target whose oldest request has waited longest, so no target starves another. */
  private nextReady(): TargetQueue<R> | undefined {
    const now = performance.now();
    let best: TargetQueue<R> | undefined;
    for (const target of this.targets.values()) {
      if (!this.isReady(target, now)) continue;
      if (!best || target.requests[0]!.enqueuedAt < best.requests[0]!.enqueuedAt) best = target;
    }
    return best;
  }

  /** Whole requests from the front, up to maxBatchSize rows (at least one request, however large). */
  private take(target: TargetQueue<R>): R[] {
    const { maxBatchSize } = this.limits(target.name);
    const batch: R[] = [];
    let rows = 0;
    while (target.requests.length > 0) {
      const next = target.requests[0]!;
      if (batch.length > 0 && rows + next.rows > maxBatchSize) break;
      batch.push(target.requests.shift()!);
      rows += next.rows;
    }
    target.rows -= rows;
    target.due = false;
    if (target.timer) clearTimeout(target.timer);
    target.timer = null;
    // An emptied queue is forgotten: keys come and go with ensemble revisions and versions.
    if (target.requests.length > 0) this.schedule(target);
    else this.targets.delete(target.key);
    return batch;
  }

  /** Marks the head due when its delay is over, and dispatches if a worker is free by then. */
  private schedule(target: TargetQueue<R>): void {
    const head = target.requests[0]!;
    const { maxQueueDelayMs } = this.limits(target.name);
    const wait = head.enqueuedAt + maxQueueDelayMs - performance.now();
    if (wait <= 0) {
      target.due = true;
      return;
    }
    // Timers have millisecond resolution: round up so a fired timer means the delay is really over.
    target.timer = setTimeout(() => {
      target.timer = null;
      target.due = true;
      this.pump();
    }, Math.ceil(wait));
    target.timer.unref();
  }
}
