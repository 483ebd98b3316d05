// Cached teacher logits on every backend: computed once on the training file, they give the distill run the
// per-batch path gives, and no teacher runs while the student trains.

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { distillModel, distillModelFromLogits } from '../../src/training/distill';
import { IncompatibleDataError } from '../../src/training/errors';
import type { RunResult } from '../../src/training/run-types';
import type { DistillSpecInput } from '../../src/training/spec';
import { computeTeacherLogits } from '../../src/training/teacher-logits';
import { trainModel } from '../../src/training/train';
import { describeOnEveryBackend } from './backends';
import { bandImages } from './fixtures';

const train = bandImages(240, 1);
const base = { architecture: 'mlp', batchSize: 32, epochs: 3 } as const;
// 240 examples, 24 held out for validation: 216 / 32 -> 7 batches an epoch.
const BATCHES_PER_EPOCH = 7;
const normalization = { mean: [0.5], std: [0.5] };

/** The test's own instrument: a real teacher whose apply() calls are counted. */
function countApplyCalls(model: tf.LayersModel): { calls: () => number } {
  let calls = 0;
  const apply = model.apply.bind(model);
  model.apply = (...args: Parameters<typeof apply>) => {
    calls++;
    return apply(...args);
  };
  return { calls: () => calls };
}

const weightsOf = (result: RunResult) => new Float32Array(result.best.weights.slice().buffer);

function expectSameRun(cached: RunResult, perBatch: RunResult): void {
  expect(cached.bestEpoch).toBe(perBatch.bestEpoch);
  cached.history.forEach((epoch, i) => {
    const other = perBatch.history[i]!;
    expect(epoch.trainLoss).toBeCloseTo(other.trainLoss, 4);
    expect(epoch.validationLoss).toBeCloseTo(other.validationLoss, 4);
    expect(epoch.validationAccuracy).toBe(other.validationAccuracy);
  });
  const [a, b] = [weightsOf(cached), weightsOf(perBatch)];
  expect(a.length).toBe(b.length);
  const largestDifference = a.reduce((max, value, i) => Math.max(max, Math.abs(value - (b[i] ?? NaN))), 0);
  expect(largestDifference).toBeLessThan(1e-4);
}

describeOnEveryBackend('cached teacher logits', () => {
  let teachers: tf.LayersModel[] = [];

  beforeAll(async () => {
    teachers = await Promise.all([1, 2].map(async (seed) => (await trainModel({ ...base, seed }, train)).model));
  });

  afterAll(() => {
    for (const model of teachers) model.dispose();
  });

  const variants: DistillSpecInput[] = [
    { ...base, seed: 9 },
    { ...base, seed: 4, aggregation: 'weighted', teacherWeights: [3, 1], temperature: 2, alpha: 0.3 },
    { ...base, seed: 4, aggregation: 'mean-logits', temperature: 4 },
  ];

  it.each(variants)('give the per-batch run (same loss and weights), with no teacher applied while training: %o', async (spec) => {
    const tensorsBefore = tf.memory().numTensors;
    const counters = teachers.map(countApplyCalls);
    const perBatch = await distillModel(spec, teachers, train);
    expect(counters.map((c) => c.calls())).toEqual([3 * BATCHES_PER_EPOCH, 3 * BATCHES_PER_EPOCH]);

    const logits = await Promise.all(teachers.map((teacher) => computeTeacherLogits(teacher, train, { normalization, batchSize: 100 })));
    // 240 examples in batches of 100: three passes per teacher, once for the whole run.
    expect(counters.map((c) => c.calls())).toEqual([3 * BATCHES_PER_EPOCH + 3, 3 * BATCHES_PER_EPOCH + 3]);
    expect(logits.map((l) => l.length)).toEqual([240 * 2, 240 * 2]);

    const cached = await distillModelFromLogits(spec, logits, train);
    expect(counters.map((c) => c.calls())).toEqual([3 * BATCHES_PER_EPOCH + 3, 3 * BATCHES_PER_EPOCH + 3]);
    expectSameRun(cached, perBatch);
    cached.model.dispose();
    perBatch.model.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('refuses logits that do not fit the training file, and a spec with augmentation', async () => {
    const logits = await computeTeacherLogits(teachers[0]!, train, { normalization });
    await expect(distillModelFromLogits(base, [logits.subarray(2)], train)).rejects.toThrow(
      /teacher 0 logits hold 478 values; the training file needs 240 examples x 2 classes = 480/,
    );
    await expect(distillModelFromLogits({ ...base, augmentation: true }, [logits], train)).rejects.toThrow(IncompatibleDataError);
    await expect(distillModelFromLogits({ ...base, teacherWeights: [1, 1] }, [logits], train)).rejects.toThrow(/2 teacher weights given for 1/);
    await expect(distillModelFromLogits(base, [], train)).rejects.toThrow(/at least one teacher/);
    await expect(computeTeacherLogits(teachers[0]!, bandImages(30, 4, 3), { normalization })).rejects.toThrow(/teacher takes \[8, 8, 1\] and predicts 2 classes/);
  });
});
