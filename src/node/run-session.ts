// One claimed run on this node: heartbeats under its fencing token, downloads its inputs, trains it
// on a training thread and writes what it reports (progress, checkpoints, teacher logits), then
// completes, fails or confirms the cancel. A 409 stale-lease on any write ends all of that at once.
import type { CheckpointMetrics } from '../training/run-types';
import { NodeApiError, type Lease, type NodeApiClient } from './api-client';
import type { HashedCheckpoint } from './checkpoint-files';
import type { Assignment, NewRunEvent, RunError } from './protocol-types';
import { isTransient, withRetries } from './retries';
import { downloadRunInputs, float32ToBytes } from './run-inputs';
import type { RunOutcome, TrainingThread } from './training-thread';
import { runErrorOf } from './worker-messages';

/** Batch events are throttled to about one per second per run (docs/node-protocol.md). */
const BATCH_EVENT_INTERVAL_MS = 1000;
/** Attempts of a completion or failure report before giving up (the lease then expires on its own). */
const FINAL_WRITE_ATTEMPTS = 3;

/** How a run ended on this node. */
export type RunEnd =
  | { status: 'succeeded'; metrics: Record<string, number> }
  | { status: 'failed'; error: RunError }
  | { status: 'cancelled' }
  /** The API refused a write with 409 stale-lease: the run is someone else's now, or finished. */
  | { status: 'lease-lost'; reason: string }
  /** The node was stopped mid-run: left to lease expiry, the next attempt resumes from its latest checkpoint. */
  | { status: 'interrupted' }
  /** The final report could not be delivered (the API unreachable); the lease will expire. */
  | { status: 'unreported'; reason: string };

/** What a terminal (or a test) sees of a run. */
export interface RunObserver {
  batch(runId: string, progress: { epoch: number; batch: number; batches: number; loss: number }): void;
  epoch(runId: string, metrics: CheckpointMetrics, seconds: number): void;
  /** Something worth a line: a write that failed and was skipped, a retry. */
  log(runId: string, message: string): void;
}

/** The run's writes have stopped: its lease is gone, or the node is stopping. */
class WritesStoppedError extends Error {
  override readonly name = 'WritesStoppedError';
}

/** The epoch event's metrics: the EpochMetrics numbers, the run's epoch count and the epoch's seconds. */
function epochEventMetrics(metrics: CheckpointMetrics, seconds: number, epochs: number | undefined): Record<string, number> {
  const { learningRate, trainLoss, trainAccuracy, validationLoss, validationAccuracy } = metrics;
  return { learningRate, trainLoss, trainAccuracy, validationLoss, validationAccuracy, ...(epochs === undefined ? {} : { epochs }), seconds };
}

export interface RunSession {
  readonly runId: string;
  /** Resolves when the run has ended here, however it ended. */
  readonly ended: Promise<RunEnd>;
  /** Node shutdown: stop training and writing; the lease is left to expire. */
  interrupt(): void;
}

export function startRunSession(api: NodeApiClient, thread: TrainingThread, assignment: Assignment, observer: RunObserver): RunSession {
  const lease: Lease = { runId: assignment.run.id, fencingToken: assignment.fencingToken };
  const epochs = (assignment.run.spec.training as { epochs?: unknown } | undefined)?.epochs;
  let lostReason: string | null = null;
  let interrupted = false;
  let cancelRequested = false;
  let lastBatchEventAt = 0;
  // Writes go out one after another, in the order the run made them (a checkpoint before its epoch event).
  let writes: Promise<unknown> = Promise.resolve();

  const stopTraining = () => thread.abort();

  /** Runs a write unless the run was lost or interrupted; a stale-lease answer loses the run. */
  async function write<T>(send: () => Promise<T>): Promise<T> {
    if (lostReason !== null) throw new WritesStoppedError(lostReason);
    if (interrupted) throw new WritesStoppedError('the node is stopping');
    try {
      return await send();
    } catch (error) {
      if (error instanceof NodeApiError && error.isStaleLease) {
        lostReason ??= error.message;
        stopTraining();
        throw new WritesStoppedError(error.message);
      }
      throw error;
    }
  }

  /** Queues a write behind the earlier ones; the returned promise settles with it. */
  function enqueue<T>(send: () => Promise<T>): Promise<T> {
    const result = writes.then(() => write(send));
    writes = result.catch(() => undefined);
    return result;
  }

  /** Progress events are best effort: a failure is logged, never stops the run (a lost lease does, in write()). */
  function sendEvent(event: NewRunEvent): void {
    enqueue(() => api.appendEvents(lease, [event])).catch((error: unknown) => {
      if (!(error instanceof WritesStoppedError)) observer.log(lease.runId, `event not recorded: ${String(error)}`);
    });
  }

  async function storeCheckpoint({ epoch, files, metrics }: HashedCheckpoint): Promise<void> {
    const descriptions = files.map(({ name, size, sha256 }) => ({ name, size, sha256 }));
    const { files: targets } = await write(() => api.checkpointUploads(lease, epoch, descriptions));
    for (const target of targets) {
      const file = files.find((candidate) => candidate.name === target.name);
      if (!file) throw new Error(`the API asked for an upload of "${target.name}", which a checkpoint does not have`);
      await write(() => api.upload(lease, target, file.bytes));
    }
    await write(() =>
      api.recordCheckpoint(lease, { epoch, files: descriptions, valMetric: metrics.validationAccuracy, isBest: metrics.isBest, metrics }),
    );
  }

  async function heartbeat(): Promise<void> {
    try {
      const beat = await write(() => api.heartbeat(lease));
      if (beat.cancelRequested && !cancelRequested) {
        cancelRequested = true;
        stopTraining();
      }
    } catch (error) {
      // A missed heartbeat is retried at the next tick; the lease outlasts a few of them.
      if (!(error instanceof WritesStoppedError)) observer.log(lease.runId, `heartbeat failed: ${String(error)}`);
    }
  }

  /** complete / fail / cancelled, retried while the API is unreachable or erring. */
  async function report(send: () => Promise<unknown>): Promise<void> {
    await withRetries(() => enqueue(send), {
      attempts: FINAL_WRITE_ATTEMPTS,
      delayMs: (attempt) => 500 * attempt,
      retryable: (error) => !(error instanceof WritesStoppedError) && isTransient(error),
      onRetry: (attempt, error) => observer.log(lease.runId, `report failed (attempt ${attempt}), retrying: ${String(error)}`),
    });
  }

  async function finish(outcome: RunOutcome): Promise<RunEnd> {
    await writes;
    if (lostReason !== null) return { status: 'lease-lost', reason: lostReason };
    if (interrupted) return { status: 'interrupted' };
    try {
      if (outcome.ok) {
        await report(() => api.complete(lease, outcome.metrics, outcome.evaluation));
        return { status: 'succeeded', metrics: outcome.metrics };
      }
      if (cancelRequested && outcome.error.type === 'training-cancelled') {
        await report(() => api.confirmCancelled(lease));
        return { status: 'cancelled' };
      }
      await report(() => api.fail(lease, outcome.error));
      return { status: 'failed', error: outcome.error };
    } catch (error) {
      if (error instanceof WritesStoppedError) return lostReason === null ? { status: 'interrupted' } : { status: 'lease-lost', reason: lostReason };
      return { status: 'unreported', reason: String(error) };
    }
  }

  async function execute(): Promise<RunEnd> {
    let outcome: RunOutcome;
    try {
      const inputs = await write(() => downloadRunInputs(api, lease, assignment, (message) => observer.log(lease.runId, message)));
      if (interrupted) return { status: 'interrupted' };
      outcome = await thread.run(inputs, {
        onBatch: (progress) => {
          observer.batch(lease.runId, progress);
          const now = Date.now();
          if (now - lastBatchEventAt < BATCH_EVENT_INTERVAL_MS) return;
          lastBatchEventAt = now;
          sendEvent({ kind: 'batch', epoch: progress.epoch, metrics: { batch: progress.batch, batches: progress.batches, loss: progress.loss } });
        },
        onEpoch: (metrics, seconds) => {
          observer.epoch(lease.runId, metrics, seconds);
          sendEvent({ kind: 'epoch', epoch: metrics.epoch, metrics: epochEventMetrics(metrics, seconds, typeof epochs === 'number' ? epochs : undefined) });
        },
        onCheckpoint: (checkpoint) => enqueue(() => storeCheckpoint(checkpoint)),
        onTeacherLogits: (teacherIndex, logits) => {
          const teacher = assignment.inputs.teachers[teacherIndex];
          if (!teacher) return Promise.reject(new Error(`the engine computed logits of teacher ${teacherIndex}, which the run does not have`));
          // A cache: when storing fails the run goes on (a later run computes them again), unless the lease is gone.
          return enqueue(() => api.putTeacherOutputs(lease, teacher.outputs.key, float32ToBytes(logits))).catch((error: unknown) => {
            if (error instanceof WritesStoppedError) throw error;
            observer.log(lease.runId, `teacher ${teacherIndex}'s logits not stored: ${String(error)}`);
          });
        },
      });
    } catch (error) {
      outcome = { ok: false, error: runErrorOf(error) };
    }
    return finish(outcome);
  }

  const timer = setInterval(() => void heartbeat(), assignment.heartbeatSeconds * 1000);
  const ended = execute().finally(() => clearInterval(timer));
  return {
    runId: lease.runId,
    ended,
    interrupt: () => {
      interrupted = true;
      clearInterval(timer);
      stopTraining();
    },
  };
}
