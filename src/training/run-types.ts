// Types of train/distill runs: per-epoch metrics, checkpoints, the sink they go to, hooks, results, objectives.

import type * as tf from '@tensorflow/tfjs';
import type { ModelArtifactsBytes } from './checkpoint';
import type { Batch } from './data/batches';

export interface EpochMetrics {
  /** 1-based: epoch 1 is the first completed pass over the data. */
  epoch: number;
  learningRate: number;
  trainLoss: number;
  trainAccuracy: number;
  /** Cross-entropy on the labels of the validation split (for train and distill runs alike). */
  validationLoss: number;
  validationAccuracy: number;
}

export interface CheckpointMetrics extends EpochMetrics {
  /** True when this epoch has the best validation accuracy so far (ties keep the earlier epoch). */
  isBest: boolean;
  bestEpoch: number;
  bestValidationAccuracy: number;
  /** Metrics of every epoch up to and including this one. */
  history: EpochMetrics[];
}

/** What one epoch's checkpoint holds: the model in tfjs Layers format, optimizer state and metrics. */
export interface CheckpointArtifacts extends ModelArtifactsBytes {
  /** Serialised optimizer state (TrainingOptimizer.saveState); binary. */
  optimizer: Uint8Array;
  metrics: CheckpointMetrics;
}

/** Where the loop hands each epoch's checkpoint (blob store, API upload...). Awaited before the next epoch. */
export interface CheckpointSink {
  save(epoch: number, artifacts: CheckpointArtifacts): Promise<void>;
}

export interface BatchProgress {
  epoch: number;
  /** 1-based batch number within the epoch. */
  batch: number;
  batches: number;
  loss: number;
}

/** Continue a run whose epoch `latest.metrics.epoch` finished; `best` is the best checkpoint so far (may be the same). */
export interface ResumeState {
  latest: CheckpointArtifacts;
  best: CheckpointArtifacts;
}

export interface RunHooks {
  checkpoints?: CheckpointSink;
  onBatchEnd?: (progress: BatchProgress) => void;
  onEpochEnd?: (metrics: CheckpointMetrics) => void | Promise<void>;
  /** Checked between batches; an aborted run throws TrainingCancelledError. */
  signal?: AbortSignal;
  resume?: ResumeState;
  /** Start from these weights instead of a freshly initialised model (lineage relation `init`). */
  init?: ModelArtifactsBytes;
}

export interface RunResult {
  /** The model with the best epoch's weights; the caller owns and disposes it. */
  model: tf.LayersModel;
  /** The best epoch's checkpoint (the run's result, not the last epoch). */
  best: CheckpointArtifacts;
  bestEpoch: number;
  history: EpochMetrics[];
}

/** A batch's training loss given the student's logits; tensors made outside the gradient tape go in dispose(). */
export interface BatchLoss {
  loss(logits: tf.Tensor2D): tf.Scalar;
  dispose(): void;
}

/** What differs between train and distill: how a batch becomes a loss. */
export interface Objective {
  forBatch(batch: Batch): BatchLoss;
}
