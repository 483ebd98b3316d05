// distill runs on every backend: the student learns from the teachers' soft targets, teachers stay untouched.

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { distillModel } from '../../src/training/distill';
import { evaluateModel } from '../../src/training/evaluate';
import { IncompatibleDataError } from '../../src/training/errors';
import type { DistillSpecInput } from '../../src/training/spec';
import { trainModel } from '../../src/training/train';
import { describeOnEveryBackend } from './backends';
import { bandImages } from './fixtures';

const train = bandImages(240, 1);
const test = bandImages(100, 2);
const base = { architecture: 'mlp', batchSize: 32, epochs: 3 } as const;

const snapshot = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

describeOnEveryBackend('distillModel', () => {
  let teachers: tf.LayersModel[] = [];
  let flippedTeacher: tf.LayersModel;

  beforeAll(async () => {
    teachers = await Promise.all([1, 2].map(async (seed) => (await trainModel({ ...base, seed }, train)).model));
    const flipped = { ...train, labels: train.labels.map((label) => 1 - label) };
    flippedTeacher = (await trainModel({ ...base, seed: 3 }, flipped)).model;
  });

  afterAll(() => {
    for (const model of [...teachers, flippedTeacher]) model.dispose();
  });

  it('self-distillation (one teacher, reference T=1, alpha=0) gives a student that learns', async () => {
    const before = snapshot(teachers[0]!);
    const result = await distillModel({ ...base, seed: 9 }, [teachers[0]!], train);
    expect((await evaluateModel(result.model, test)).accuracy).toBeGreaterThan(0.9);
    expect(snapshot(teachers[0]!)).toEqual(before);
    result.model.dispose();
  });

  it('learns the teacher, not the labels: a teacher that swaps the classes gives a student that swaps them', async () => {
    const result = await distillModel({ ...base, seed: 9 }, [flippedTeacher], train);
    expect((await evaluateModel(result.model, test)).accuracy).toBeLessThan(0.1);
    // With alpha = 1 only the labels count, and the same teacher no longer matters.
    const labelsOnly = await distillModel({ ...base, seed: 9, alpha: 1 }, [flippedTeacher], train);
    expect((await evaluateModel(labelsOnly.model, test)).accuracy).toBeGreaterThan(0.9);
    result.model.dispose();
    labelsOnly.model.dispose();
  });

  it('distils an ensemble with any aggregation and temperature without leaking tensors', async () => {
    const counts: number[] = [];
    const variants: Partial<DistillSpecInput>[] = [
      { aggregation: 'mean-probabilities' },
      { aggregation: 'mean-logits', temperature: 4, alpha: 0.5 },
      { aggregation: 'weighted', teacherWeights: [3, 1] },
    ];
    for (const spec of variants) {
      const result = await distillModel({ ...base, seed: 9, ...spec }, teachers, train, {
        onEpochEnd: () => void counts.push(tf.memory().numTensors),
      });
      expect((await evaluateModel(result.model, test)).accuracy).toBeGreaterThan(0.9);
      result.model.dispose();
    }
    expect(new Set(counts).size).toBe(1);
  });

  it('refuses teachers that do not fit the data or the weights', async () => {
    const threeClasses = bandImages(60, 4, 3);
    await expect(distillModel(base, teachers, threeClasses)).rejects.toThrow(IncompatibleDataError);
    await expect(distillModel(base, teachers, threeClasses)).rejects.toThrow(/teacher 0 takes \[8, 8, 1\] and predicts 2 classes/);
    await expect(distillModel({ ...base, teacherWeights: [1] }, teachers, train)).rejects.toThrow(/1 teacher weights given for 2/);
    await expect(distillModel(base, [], train)).rejects.toThrow(/at least one teacher/);
    await expect(distillModel({ ...base, aggregation: 'weighted' }, teachers, train)).rejects.toThrow(/teacherWeights/);
  });
});
