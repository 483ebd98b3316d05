// The epoch loop shared by train and distill runs: batches, steps, validation, checkpoints, best epoch, resume.

import * as tf from '@tensorflow/tfjs';
import type { LabelledImages } from '../datasets/labelled-images';
import { deserializeModel, serializeModel, type ModelArtifactsBytes } from './checkpoint';
import { batchCount, imageBatches, type Batch } from './data/batches';
import { splitTrainValidation } from './data/split';
import { evaluateModel } from './evaluate';
import { learningRateAt } from './lr-schedule';
import { buildModel } from './models';
import { TrainingOptimizer } from './optimizers';
import { deriveSeed } from './random';
import type { TrainSpec } from './spec';

/** Seed streams derived from the run seed, so shuffling and augmentation never share random numbers. */
const SHUFFLE_STREAM = 1;
const AUGMENT_STREAM = 2;

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

export class TrainingCancelledError extends Error {
  override readonly name = 'TrainingCancelledError';
  constructor(readonly epoch: number) {
    super(`training cancelled during epoch ${epoch}`);
  }
}

export class IncompatibleDataError extends Error {
  override readonly name = 'IncompatibleDataError';
}

function countCorrect(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(labels, 'int32')), 'float32')) as tf.Scalar);
}

/** One optimisation step; returns the batch loss and number of correct predictions (owned by the caller). */
function trainStep(model: tf.LayersModel, optimizer: TrainingOptimizer, batch: Batch, objective: Objective): [tf.Scalar, tf.Scalar] {
  const batchLoss = objective.forBatch(batch);
  try {
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    let correct: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.apply(batch.xs, { training: true }) as tf.Tensor2D;
      correct = tf.keep(countCorrect(logits, batch.labels));
      return batchLoss.loss(logits);
    }, variables);
    optimizer.step(variables, grads);
    tf.dispose(Object.values(grads));
    if (!correct) throw new Error('gradient function did not run');
    return [value, correct];
  } finally {
    batchLoss.dispose();
  }
}

async function startingModel(spec: TrainSpec, train: LabelledImages, hooks: RunHooks): Promise<tf.LayersModel> {
  if (hooks.resume) return deserializeModel(hooks.resume.latest);
  if (hooks.init) return deserializeModel(hooks.init);
  return buildModel(spec.architecture, {
    inputShape: [train.height, train.width, train.channels],
    numClasses: train.numClasses,
    seed: spec.seed,
  });
}

function checkModelFitsData(model: tf.LayersModel, train: LabelledImages): void {
  const input = model.inputs[0]?.shape.slice(1);
  const output = model.outputs[0]?.shape[1];
  const expected = [train.height, train.width, train.channels];
  if (input?.join() !== expected.join() || output !== train.numClasses) {
    throw new IncompatibleDataError(
      `model takes [${input?.join(', ')}] and predicts ${output} classes; data is [${expected.join(', ')}] with ${train.numClasses} classes`,
    );
  }
}

/** Runs spec.epochs epochs of `objective` on the training split, validating and checkpointing after each. */
export async function runEpochs(spec: TrainSpec, train: LabelledImages, objective: Objective, hooks: RunHooks = {}): Promise<RunResult> {
  const split = splitTrainValidation(train.count, spec.validationFraction, spec.splitSeed);
  if (split.validation.length === 0 || split.train.length === 0) {
    throw new IncompatibleDataError(`${train.count} examples are too few for a ${spec.validationFraction} validation split`);
  }
  const model = await startingModel(spec, train, hooks);
  const optimizer = new TrainingOptimizer(spec.optimizer);
  try {
    checkModelFitsData(model, train);
    if (hooks.resume) await optimizer.loadState(hooks.resume.latest.optimizer);
    let best = hooks.resume?.best;
    const history = [...(hooks.resume?.latest.metrics.history ?? [])];
    const batches = batchCount(split.train.length, spec.batchSize);
    for (let epoch = (hooks.resume?.latest.metrics.epoch ?? 0) + 1; epoch <= spec.epochs; epoch++) {
      const learningRate = learningRateAt(spec.lrSchedule, spec.optimizer.learningRate, epoch - 1, spec.epochs);
      optimizer.setLearningRate(learningRate);
      let lossSum = 0;
      let correctSum = 0;
      for (const batch of imageBatches(train, split.train, {
        batchSize: spec.batchSize,
        normalization: spec.normalization,
        shuffleSeed: deriveSeed(spec.seed, SHUFFLE_STREAM, epoch),
        augmentSeed: spec.augmentation ? deriveSeed(spec.seed, AUGMENT_STREAM, epoch) : undefined,
      })) {
        if (hooks.signal?.aborted) {
          tf.dispose([batch.xs, batch.labels]);
          throw new TrainingCancelledError(epoch);
        }
        const [loss, correct] = trainStep(model, optimizer, batch, objective);
        tf.dispose([batch.xs, batch.labels]);
        // One read-back per batch for both numbers.
        const stats = tf.stack([loss, correct]);
        const [lossValue = NaN, correctValue = 0] = await stats.data();
        tf.dispose([loss, correct, stats]);
        lossSum += lossValue * batch.size;
        correctSum += correctValue;
        hooks.onBatchEnd?.({ epoch, batch: batch.index + 1, batches, loss: lossValue });
      }
      const validation = await evaluateModel(model, train, {
        indices: split.validation,
        normalization: spec.normalization,
        batchSize: spec.batchSize,
      });
      const epochMetrics: EpochMetrics = {
        epoch,
        learningRate,
        trainLoss: lossSum / split.train.length,
        trainAccuracy: correctSum / split.train.length,
        validationLoss: validation.nll,
        validationAccuracy: validation.accuracy,
      };
      history.push(epochMetrics);
      const isBest = !best || epochMetrics.validationAccuracy > best.metrics.validationAccuracy;
      const bestMetrics = isBest ? epochMetrics : (best as CheckpointArtifacts).metrics;
      const metrics: CheckpointMetrics = {
        ...epochMetrics,
        isBest,
        bestEpoch: bestMetrics.epoch,
        bestValidationAccuracy: bestMetrics.validationAccuracy,
        history: [...history],
      };
      const checkpoint: CheckpointArtifacts = { ...(await serializeModel(model)), optimizer: await optimizer.saveState(), metrics };
      if (isBest) best = checkpoint;
      await hooks.checkpoints?.save(epoch, checkpoint);
      await hooks.onEpochEnd?.(metrics);
    }
    if (!best) throw new IncompatibleDataError('no epoch was run: spec.epochs is below the resumed epoch');
    return { model: await deserializeModel(best), best, bestEpoch: best.metrics.epoch, history };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}
