// train runs on every backend: learning, best-epoch result, determinism, resume equality, no leaks, cancellation.

import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { evaluateModel } from '../../src/training/evaluate';
import { InvalidSpecError, TrainingCancelledError } from '../../src/training/errors';
import type { CheckpointArtifacts, CheckpointMetrics } from '../../src/training/run-types';
import { trainModel } from '../../src/training/train';
import { serializeModel } from '../../src/training/checkpoint';
import { describeOnEveryBackend } from './backends';
import { bandImages, tinyBatchNormModel } from './fixtures';

const train = bandImages(240, 1);
const test = bandImages(100, 2);
const base = { architecture: 'mlp', batchSize: 32, epochs: 3, seed: 5 } as const;

/** Records every checkpoint, as a blob store would. */
function recordingSink() {
  const saved = new Map<number, CheckpointArtifacts>();
  return { saved, save: async (epoch: number, artifacts: CheckpointArtifacts) => void saved.set(epoch, artifacts) };
}

const floats = (bytes: Uint8Array) => new Float32Array(bytes.slice().buffer);

describeOnEveryBackend('trainModel', () => {
  it('learns a separable tiny set (validation and test accuracy well above chance)', async () => {
    const result = await trainModel(base, train);
    expect(result.history).toHaveLength(3);
    expect(result.history[2]!.trainLoss).toBeLessThan(result.history[0]!.trainLoss);
    expect(Math.max(...result.history.map((h) => h.validationAccuracy))).toBeGreaterThan(0.9);
    const report = await evaluateModel(result.model, test);
    expect(report.accuracy).toBeGreaterThan(0.9);
    result.model.dispose();
  });

  it('returns the best validation epoch, not the last, and hands every epoch to the sink', async () => {
    const sink = recordingSink();
    // 4 classes; epochs 1-2 learn slowly with SGD at lr 0.01, then the rate becomes 100 and training diverges.
    const result = await trainModel(
      { ...base, epochs: 4, optimizer: { name: 'sgd', learningRate: 0.01 }, lrSchedule: { name: 'step', stepSize: 2, gamma: 1e4 } },
      bandImages(240, 1, 4),
      { checkpoints: sink },
    );
    expect([...sink.saved.keys()]).toEqual([1, 2, 3, 4]);
    const accuracies = result.history.map((h) => h.validationAccuracy);
    const bestEpoch = accuracies.indexOf(Math.max(...accuracies)) + 1;
    expect(result.bestEpoch).toBe(bestEpoch);
    expect(bestEpoch).toBeLessThan(4);
    expect(result.history[3]!.validationAccuracy).toBeLessThan(result.history[bestEpoch - 1]!.validationAccuracy);
    expect(result.best.weights).toEqual(sink.saved.get(bestEpoch)!.weights);
    expect(result.best.metrics).toMatchObject({ epoch: bestEpoch, isBest: true });
    expect(sink.saved.get(4)!.metrics).toMatchObject({ isBest: false, bestEpoch });
    const returned = new Float32Array(result.model.getWeights().flatMap((w) => Array.from(w.dataSync())));
    expect(returned).toEqual(floats(sink.saved.get(bestEpoch)!.weights));
    expect(returned).not.toEqual(floats(sink.saved.get(4)!.weights));
    result.model.dispose();
  });

  it('is deterministic: same seed, same weights; another seed, other weights', async () => {
    const spec = { ...base, epochs: 2, augmentation: true } as const;
    const a = await trainModel(spec, train);
    const b = await trainModel(spec, train);
    const c = await trainModel({ ...spec, seed: 6 }, train);
    expect(b.best.weights).toEqual(a.best.weights);
    expect(c.best.weights).not.toEqual(a.best.weights);
    for (const r of [a, b, c]) r.model.dispose();
  });

  it('resumed from epoch 2 ends with the same weights as an uninterrupted run', async () => {
    const spec = { ...base, epochs: 4, augmentation: true, lrSchedule: { name: 'cosine' } } as const;
    const full = recordingSink();
    const uninterrupted = await trainModel(spec, train, { checkpoints: full });
    const firstTwo = [full.saved.get(1)!, full.saved.get(2)!];
    const bestSoFar = firstTwo.reduce((a, b) => (b.metrics.validationAccuracy > a.metrics.validationAccuracy ? b : a));
    const resumedSink = recordingSink();
    const resumed = await trainModel(spec, train, {
      checkpoints: resumedSink,
      resume: { latest: full.saved.get(2)!, best: bestSoFar },
    });
    expect([...resumedSink.saved.keys()]).toEqual([3, 4]);
    const expected = floats(full.saved.get(4)!.weights);
    const actual = floats(resumedSink.saved.get(4)!.weights);
    // Bit-for-bit: weights, BatchNorm statistics, Adam moments and iteration count, data order and augmentation.
    expect(actual).toEqual(expected);
    expect(resumed.bestEpoch).toBe(uninterrupted.bestEpoch);
    expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    uninterrupted.model.dispose();
    resumed.model.dispose();
  });

  it('starts from init weights; BatchNorm running statistics are trained, checkpointed and resumed exactly', async () => {
    const initModel = tinyBatchNormModel();
    const init = await serializeModel(initModel);
    initModel.dispose();
    const spec = { ...base, epochs: 3 };
    const full = recordingSink();
    const uninterrupted = await trainModel(spec, train, { init, checkpoints: full });
    const specs = full.saved.get(3)!.modelJson.weightsManifest[0].weights;
    const movingMean = specs.findIndex((s) => s.name.endsWith('moving_mean'));
    const offset = specs.slice(0, movingMean).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    const initialMean = floats(init.weights).slice(offset, offset + 4);
    expect(Array.from(initialMean)).toEqual([0, 0, 0, 0]);
    expect(Array.from(floats(full.saved.get(3)!.weights).slice(offset, offset + 4))).not.toEqual([0, 0, 0, 0]);
    const resumedSink = recordingSink();
    const resumed = await trainModel(spec, train, {
      init,
      checkpoints: resumedSink,
      resume: { latest: full.saved.get(1)!, best: full.saved.get(1)! },
    });
    expect(floats(resumedSink.saved.get(3)!.weights)).toEqual(floats(full.saved.get(3)!.weights));
    uninterrupted.model.dispose();
    resumed.model.dispose();
  });

  it('leaks no tensors: the count is the same after every epoch and back to the start after disposal', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const result = await trainModel({ ...base, optimizer: { name: 'sgd', momentum: 0.9, weightDecay: 1e-4 } }, train, {
      onEpochEnd: () => void counts.push(tf.memory().numTensors),
    });
    expect(counts).toHaveLength(3);
    expect(new Set(counts).size).toBe(1);
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops between batches when cancelled, reporting the epoch, without leaking', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const seen: number[] = [];
    const epochs: CheckpointMetrics[] = [];
    const run = trainModel(base, train, {
      signal: controller.signal,
      onEpochEnd: (m) => void epochs.push(m),
      onBatchEnd: ({ epoch, batch }) => {
        seen.push(batch);
        if (epoch === 2 && batch === 1) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(TrainingCancelledError);
    await expect(run).rejects.toMatchObject({ epoch: 2 });
    expect(epochs).toHaveLength(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops when the checkpoint sink refuses a write (e.g. a stale lease), without leaking', async () => {
    const before = tf.memory().numTensors;
    const refusing = { save: async (epoch: number) => Promise.reject(new Error(`lease lost before epoch ${epoch}`)) };
    await expect(trainModel(base, train, { checkpoints: refusing })).rejects.toThrow('lease lost before epoch 1');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects an invalid spec, naming the fields', async () => {
    await expect(trainModel({ ...base, batchSize: 0, optimizer: { learningRate: -1 } }, train)).rejects.toThrow(InvalidSpecError);
    await expect(trainModel({ ...base, batchSize: 0 }, train)).rejects.toThrow(/batchSize/);
    await expect(trainModel({ ...base, architecture: 'vgg' as 'mlp' }, train)).rejects.toThrow(/architecture/);
  });
});
