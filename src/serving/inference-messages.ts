// The messages between the predictor (main thread) and its inference worker threads.
import type { InputNormalization } from '../registry/ports';
import type { EnsembleAggregation } from '../registry/records';
import type { BackendInfo, BackendPreference } from '../training/backend';

export interface InferenceWorkerData {
  backend: BackendPreference;
  /** Threads for the native kernels (oneDNN) of this inference worker. */
  threads: number;
}

/** An error crossing the thread boundary: the typed errors' stable `type`, message and details. */
export interface WorkerError {
  type: string;
  message: string;
  details: Record<string, unknown>;
}

/** One request's rows within a batch: tensor rows (taken in order from the batch's `tensorValues`) or images to decode. */
export type BatchPart = { kind: 'tensor'; rows: number } | { kind: 'images'; images: Uint8Array[] };

export interface BatchMember {
  versionId: string;
  weight: number;
  normalization: InputNormalization;
}

/** A batch for one target: every member runs it, and the worker combines their outputs. */
export interface WorkerBatch {
  inputShape: number[];
  classes: number;
  aggregation: EnsembleAggregation;
  members: BatchMember[];
  parts: BatchPart[];
  /** Every tensor part's rows, concatenated in part order (transferred, not copied). */
  tensorValues: Float32Array;
}

/** What became of each part: its rows are in the result (in part order), or it failed alone (an undecodable image). */
export type PartOutcome = { ok: true } | { ok: false; error: WorkerError };

export interface BatchResult {
  outcomes: PartOutcome[];
  /** Rows of the parts that succeeded, in order x classes. */
  probabilities: Float32Array;
  memberProbabilities: Float32Array[];
  /** Time the worker spent decoding and running the members. */
  computeSeconds: number;
}

export type ToInferenceWorker =
  | { type: 'load'; id: number; versionId: string; modelJson: Uint8Array; weights: Uint8Array }
  | { type: 'unload'; versionId: string }
  | { type: 'run'; id: number; batch: WorkerBatch };

export type FromInferenceWorker =
  | { type: 'ready'; backend: BackendInfo }
  | { type: 'startup-failed'; error: WorkerError }
  | { type: 'done'; id: number; result?: BatchResult }
  | { type: 'failed'; id: number; error: WorkerError };

export function workerErrorOf(error: unknown): WorkerError {
  if (error instanceof Error) {
    const { type, details } = error as { type?: unknown; details?: unknown };
    return {
      type: typeof type === 'string' ? type : error.name,
      message: error.message,
      details: typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : {},
    };
  }
  return { type: 'Error', message: String(error), details: {} };
}
