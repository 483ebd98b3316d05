// Evaluation metrics on hand-made predictions, and ensemble evaluation of real models on every backend.

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  ECE_BINS,
  ensembleReportFromLogits,
  evaluateEnsemble,
  evaluateModel,
  metricsFromProbabilities,
  predictLogits,
} from '../../src/training/evaluate';
import { softmaxRows } from '../../src/training/softmax';
import { trainModel } from '../../src/training/train';
import { describeOnEveryBackend } from './backends';
import { bandImages } from './fixtures';

describe('metricsFromProbabilities', () => {
  // Confidences chosen away from the 1/15 bin edges.
  const probabilities = Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.75, 0.15, 0.2, 0.1, 0.7, 0.5, 0.4, 0.1]);
  const labels = [0, 2, 2, 1];

  it('computes accuracy, NLL, ECE, per-class accuracy and the confusion matrix', () => {
    const report = metricsFromProbabilities(probabilities, labels, 3);
    expect(report.count).toBe(4);
    expect(report.accuracy).toBe(0.5);
    expect(report.nll).toBeCloseTo(-(Math.log(0.7) + Math.log(0.15) + Math.log(0.7) + Math.log(0.4)) / 4, 6);
    // bin (10/15, 11/15]: 2 right at 0.7 -> 2/4*0.3; bin (11/15, 12/15]: 1 wrong at 0.75; bin (7/15, 8/15]: 1 wrong at 0.5
    expect(report.ece).toBeCloseTo((2 / 4) * 0.3 + (1 / 4) * 0.75 + (1 / 4) * 0.5, 6);
    expect(report.confusionMatrix).toEqual([
      [1, 0, 0],
      [1, 0, 0],
      [0, 1, 1],
    ]);
    expect(report.perClassAccuracy).toEqual([1, 0, 0.5]);
  });

  it('reports null accuracy for a class without examples and finite NLL for a zero probability', () => {
    const report = metricsFromProbabilities(Float32Array.from([1, 0, 0, 0]), [1], 4);
    expect(report.perClassAccuracy).toEqual([null, 0, null, null]);
    expect(report.nll).toBeCloseTo(-Math.log(1e-12), 6);
    expect(report.ece).toBe(1);
  });

  it('reports the reliability-diagram bins ECE is computed from, empty ones included', () => {
    const { reliability, ece } = metricsFromProbabilities(probabilities, labels, 3);
    expect(reliability).toHaveLength(ECE_BINS);
    expect(reliability.map((bin) => bin.count).reduce((a, b) => a + b, 0)).toBe(4);
    expect(reliability[10]).toEqual({ lower: 10 / 15, upper: 11 / 15, count: 2, accuracy: 1, confidence: expect.closeTo(0.7, 6) });
    expect(reliability[11]).toMatchObject({ count: 1, accuracy: 0, confidence: expect.closeTo(0.75, 6) });
    expect(reliability[0]).toEqual({ lower: 0, upper: 1 / 15, count: 0, accuracy: null, confidence: null });
    const fromBins = reliability.reduce((sum, bin) => (bin.count === 0 ? sum : sum + (bin.count / 4) * Math.abs(bin.accuracy! - bin.confidence!)), 0);
    expect(fromBins).toBeCloseTo(ece, 6);
  });

  it('a perfectly calibrated, perfectly accurate model has ECE 0', () => {
    expect(metricsFromProbabilities(Float32Array.from([1, 0, 0, 1]), [0, 1], 2).ece).toBe(0);
  });
});

describe('ensembleReportFromLogits', () => {
  // Two rows, two classes: member 0 votes [0, 1], member 1 votes [1, 1], member 2 votes [1, 0].
  const logits = [Float32Array.from([2, 0, 0, 3]), Float32Array.from([0, 1, 0, 2]), Float32Array.from([0, 4, 5, 0])];

  it('combines by weighted majority vote: the vote shares are the probabilities', () => {
    const report = ensembleReportFromLogits(logits, [0, 1], 2, { aggregation: 'majority-vote', weights: [2, 1, 1] });
    // row 0: class 0 gets 2/4, class 1 2/4 (the first class wins the tie); row 1: class 1 gets 3/4.
    expect(report.ensemble.confusionMatrix).toEqual([[1, 0], [0, 1]]);
    expect(report.ensemble.nll).toBeCloseTo(-(Math.log(0.5) + Math.log(0.75)) / 2, 6);
    expect(report.members.map((member) => member.accuracy)).toEqual([1, 0.5, 0]);
  });

  it('refuses weighted aggregation without weights', () => {
    expect(() => ensembleReportFromLogits(logits, [0, 1], 2, { aggregation: 'weighted' })).toThrow(/needs weights/);
  });
});

describeOnEveryBackend('evaluateModel and evaluateEnsemble', () => {
  it('report each member on its own and the mean of probabilities as the ensemble', async () => {
    const train = bandImages(240, 1, 3);
    const test = bandImages(90, 2, 3);
    const members = await Promise.all(
      [1, 2].map(async (seed) => (await trainModel({ architecture: 'mlp', batchSize: 32, epochs: 1, seed }, train)).model),
    );
    const report = await evaluateEnsemble(members, test);
    for (const [i, member] of members.entries()) {
      expect(report.members[i]).toEqual(await evaluateModel(member, test));
    }
    const probabilities = await Promise.all(members.map(async (m) => softmaxRows(await predictLogits(m, test), 3)));
    const mean = probabilities[0]!.map((p, i) => (p + probabilities[1]![i]!) / 2);
    const expected = metricsFromProbabilities(mean, test.labels, 3);
    expect(report.ensemble.accuracy).toBe(expected.accuracy);
    expect(report.ensemble.nll).toBeCloseTo(expected.nll, 6);
    expect(report.ensemble.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(90);

    const onlyFirst = await evaluateEnsemble(members, test, { weights: [1, 0] });
    expect(onlyFirst.ensemble.accuracy).toBe(report.members[0]!.accuracy);
    const byLogits = await evaluateEnsemble(members, test, { aggregation: 'mean-logits' });
    expect(byLogits.ensemble.count).toBe(90);
    for (const m of members) m.dispose();
  });

  it('refuses a model whose class count differs from the dataset', async () => {
    const model = (await trainModel({ architecture: 'mlp', batchSize: 32, epochs: 1 }, bandImages(60, 1, 2))).model;
    await expect(evaluateModel(model, bandImages(10, 2, 3))).rejects.toThrow(/model outputs 2 classes, dataset has 3/);
    model.dispose();
  });
});

describe('predictLogits of a model that ends in a softmax', () => {
  it('returns logits whose softmax is the model own probabilities, not a second softmax of them', async () => {
    await tf.setBackend('cpu');
    const set = bandImages(6, 3, 3);
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [8, 8, 1] }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
    const probabilities = softmaxRows(await predictLogits(model, set, { normalization: { mean: [0], std: [1] } }), 3);
    const xs = tf.tensor4d(Float32Array.from(set.pixels, (p) => p / 255), [6, 8, 8, 1]);
    const own = (await (model.predict(xs) as tf.Tensor).data()) as Float32Array;
    for (let i = 0; i < own.length; i++) expect(probabilities[i]).toBeCloseTo(own[i]!, 5);
    xs.dispose();
    model.dispose();
  });
});
