// The epoch loop shared by train and distill runs: batches, steps, validation, checkpoints, best epoch, resume.

import * as tf from '@tensorflow/tfjs';
import type { LabelledImages } from '../datasets/labelled-images';
import { deserializeModel, serializeModel } from './checkpoint';
import { batchCount, imageBatches, type Batch } from './data/batches';
import { splitTrainValidation } from './data/split';
import { evaluateModel } from './evaluate';
import { learningRateAt } from './lr-schedule';
import { buildModel } from './models';
import { TrainingOptimizer } from './optimizers';
import { deriveSeed } from './random';
import { IncompatibleDataError, TrainingCancelledError } from './errors';
import type {
  CheckpointArtifacts,
  CheckpointMetrics,
  EpochMetrics,
  Objective,
  RunHooks,
  RunResult,
} from './run-types';
import type { TrainSpec } from './spec';

/** Seed streams derived from the run seed, so shuffling and augmentation never share random numbers. */
const SHUFFLE_STREAM = 1;
const AUGMENT_STREAM = 2;

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

/** Throws IncompatibleDataError unless the model takes these images and predicts this many classes. */
export function assertModelFitsData(model: tf.LayersModel, train: LabelledImages, role = 'model'): void {
  const input = model.inputs[0]?.shape.slice(1);
  const output = model.outputs[0]?.shape[1];
  const expected = [train.height, train.width, train.channels];
  if (input?.join() !== expected.join() || output !== train.numClasses) {
    throw new IncompatibleDataError(
      `${role} takes [${input?.join(', ')}] and predicts ${output} classes; data is [${expected.join(', ')}] with ${train.numClasses} classes`,
    );
  }
}

interface EpochContext {
  spec: TrainSpec;
  train: LabelledImages;
  trainIndices: Uint32Array;
  model: tf.LayersModel;
  optimizer: TrainingOptimizer;
  objective: Objective;
  hooks: RunHooks;
}

/** One pass over the training split; returns the mean loss and accuracy of the batches as they were trained. */
async function trainOneEpoch(context: EpochContext, epoch: number): Promise<{ loss: number; accuracy: number }> {
  const { spec, train, trainIndices, model, optimizer, objective, hooks } = context;
  const batches = batchCount(trainIndices.length, spec.batchSize);
  let lossSum = 0;
  let correctSum = 0;
  for (const batch of imageBatches(train, trainIndices, {
    batchSize: spec.batchSize,
    normalization: spec.normalization,
    shuffleSeed: deriveSeed(spec.seed, SHUFFLE_STREAM, epoch),
    augmentSeed: spec.augmentation ? deriveSeed(spec.seed, AUGMENT_STREAM, epoch) : undefined,
  })) {
    let step: [tf.Scalar, tf.Scalar];
    try {
      if (hooks.signal?.aborted) throw new TrainingCancelledError(epoch);
      step = trainStep(model, optimizer, batch, objective);
    } finally {
      // Also when the step throws (an unsupported kernel, say): a failed run must not leak its batch.
      tf.dispose([batch.xs, batch.labels]);
    }
    const [loss, correct] = step;
    // One read-back per batch for both numbers.
    const stats = tf.stack([loss, correct]);
    const [lossValue = NaN, correctValue = 0] = await stats.data();
    tf.dispose([loss, correct, stats]);
    lossSum += lossValue * batch.size;
    correctSum += correctValue;
    hooks.onBatchEnd?.({ epoch, batch: batch.index + 1, batches, loss: lossValue });
  }
  return { loss: lossSum / trainIndices.length, accuracy: correctSum / trainIndices.length };
}

/** The epoch's metrics with the best epoch so far (ties keep the earlier epoch). */
function withBest(epochMetrics: EpochMetrics, best: CheckpointArtifacts | undefined, history: EpochMetrics[]): CheckpointMetrics {
  const isBest = !best || epochMetrics.validationAccuracy > best.metrics.validationAccuracy;
  const bestMetrics = isBest || !best ? epochMetrics : best.metrics;
  return {
    ...epochMetrics,
    isBest,
    bestEpoch: bestMetrics.epoch,
    bestValidationAccuracy: bestMetrics.validationAccuracy,
    history: [...history],
  };
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
    assertModelFitsData(model, train);
    if (hooks.resume) await optimizer.loadState(hooks.resume.latest.optimizer);
    const context: EpochContext = { spec, train, trainIndices: split.train, model, optimizer, objective, hooks };
    let best = hooks.resume?.best;
    const history = [...(hooks.resume?.latest.metrics.history ?? [])];
    for (let epoch = (hooks.resume?.latest.metrics.epoch ?? 0) + 1; epoch <= spec.epochs; epoch++) {
      const learningRate = learningRateAt(spec.lrSchedule, spec.optimizer.learningRate, epoch - 1, spec.epochs);
      optimizer.setLearningRate(learningRate);
      const trained = await trainOneEpoch(context, epoch);
      const validation = await evaluateModel(model, train, {
        indices: split.validation,
        normalization: spec.normalization,
        batchSize: spec.batchSize,
      });
      history.push({
        epoch,
        learningRate,
        trainLoss: trained.loss,
        trainAccuracy: trained.accuracy,
        validationLoss: validation.nll,
        validationAccuracy: validation.accuracy,
      });
      const metrics = withBest(history[history.length - 1] as EpochMetrics, best, history);
      const checkpoint: CheckpointArtifacts = { ...(await serializeModel(model)), optimizer: await optimizer.saveState(), metrics };
      if (metrics.isBest) best = checkpoint;
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
