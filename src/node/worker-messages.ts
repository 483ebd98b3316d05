// The messages between the node agent (main thread) and its training worker thread.
import type { BackendInfo, BackendPreference } from '../training/backend';
import type { BatchProgress, CheckpointMetrics } from '../training/run-types';
import type { HashedCheckpoint } from './checkpoint-files';
import type { RunExecution, RunInputs } from './execute-run';
import type { RunError } from './protocol-types';

/** What the worker is started with (`workerData`). */
export interface TrainingWorkerData {
  backend: BackendPreference;
  /** Threads for the native kernels (oneDNN) of this training thread. */
  threads: number;
}

export type ToWorker =
  | { type: 'run'; inputs: RunInputs }
  /** Stop the run at the next batch (cancel requested, lease lost, node stopping). */
  | { type: 'abort' }
  /** The answer to a checkpoint or teacher-logits message: stored, or why not (the run then stops). */
  | { type: 'ack'; id: number; error?: string };

export type FromWorker =
  | { type: 'ready'; backend: BackendInfo }
  | { type: 'startup-failed'; error: RunError }
  | { type: 'batch'; progress: BatchProgress }
  | { type: 'epoch'; metrics: CheckpointMetrics; seconds: number }
  /** The files' buffers are transferred with it, not copied. */
  | { type: 'checkpoint'; id: number; checkpoint: HashedCheckpoint }
  | { type: 'teacher-logits'; id: number; teacherIndex: number; logits: Float32Array }
  | { type: 'done'; execution: RunExecution }
  | { type: 'failed'; error: RunError };

/** An error as the API's `fail` route takes it: the typed errors' stable `type`, else the class name. */
export function runErrorOf(error: unknown): RunError {
  if (error instanceof Error) {
    const type = (error as { type?: unknown }).type;
    return { type: typeof type === 'string' ? type : error.name, message: error.message };
  }
  return { type: 'Error', message: String(error) };
}
