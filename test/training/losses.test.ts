// Losses and teacher aggregation against numbers computed by hand, on every backend.

import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { crossEntropy, distillationLoss, softCrossEntropy } from '../../src/training/losses';
import { aggregateProbabilities, normaliseWeights } from '../../src/training/teacher-aggregation';
import { describeOnEveryBackend } from './backends';

const logSoftmax = (row: number[]) => {
  const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
  return row.map((v) => v - lse);
};
const softmax = (row: number[]) => logSoftmax(row).map(Math.exp);
const value = (t: tf.Tensor) => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

const studentRows = [
  [2, 0.5, -1],
  [0, 1, 3],
];
const teacherRows = [
  [1, 0, 0],
  [-1, 2, 0.5],
];

describeOnEveryBackend('losses', () => {
  it('cross-entropy = mean of -log softmax at the label', () => {
    const expected = -(logSoftmax(studentRows[0]!)[0]! + logSoftmax(studentRows[1]!)[2]!) / 2;
    const loss = value(crossEntropy(tf.tensor2d(studentRows), tf.tensor1d([0, 2], 'int32')));
    expect(loss).toBeCloseTo(expected, 5);
    // log(3) for uniform logits
    expect(value(crossEntropy(tf.zeros([4, 3]) as tf.Tensor2D, tf.tensor1d([0, 1, 2, 0], 'int32')))).toBeCloseTo(Math.log(3), 6);
  });

  it('soft cross-entropy = -(p * log q).sum(1).mean()', () => {
    const targets = [
      [0.7, 0.2, 0.1],
      [0.1, 0.1, 0.8],
    ];
    const expected =
      -targets.reduce((acc, p, n) => acc + p.reduce((s, pc, c) => s + pc * logSoftmax(studentRows[n]!)[c]!, 0), 0) / 2;
    expect(value(softCrossEntropy(tf.tensor2d(targets), tf.tensor2d(studentRows)))).toBeCloseTo(expected, 5);
  });

  it('KD at the reference setting (T=1, alpha=0) is exactly the reference soft cross-entropy', () => {
    const teacherProbs = tf.softmax(tf.tensor2d(teacherRows)) as tf.Tensor2D;
    const students = tf.tensor2d(studentRows);
    const reference = value(tf.neg(tf.mean(tf.sum(tf.mul(teacherProbs, tf.log(tf.softmax(students))), 1))));
    const kd = value(distillationLoss({ studentLogits: students, teacherProbs, temperature: 1, alpha: 0 }));
    expect(kd).toBeCloseTo(reference, 6);
    expect(kd).toBe(value(softCrossEntropy(teacherProbs, students)));
  });

  it('KD with T=4, alpha=0.3 matches alpha*CE + (1-alpha)*T^2*softCE(p_t^T, s/T) by hand', () => {
    const T = 4;
    const alpha = 0.3;
    const labels = [1, 2];
    let ce = 0;
    let soft = 0;
    studentRows.forEach((s, n) => {
      ce -= logSoftmax(s)[labels[n]!]! / 2;
      const pt = softmax(teacherRows[n]!.map((v) => v / T));
      const ls = logSoftmax(s.map((v) => v / T));
      soft -= pt.reduce((acc, p, c) => acc + p * ls[c]!, 0) / 2;
    });
    const teacherProbs = tf.softmax(tf.div(tf.tensor2d(teacherRows), T)) as tf.Tensor2D;
    const loss = distillationLoss({
      studentLogits: tf.tensor2d(studentRows),
      teacherProbs,
      labels: tf.tensor1d(labels, 'int32'),
      temperature: T,
      alpha,
    });
    expect(value(loss)).toBeCloseTo(alpha * ce + (1 - alpha) * T * T * soft, 5);
  });

  it('KD gradient equals the KL gradient (they differ by the teacher entropy only)', () => {
    const T = 2;
    const teacherProbs = tf.softmax(tf.div(tf.tensor2d(teacherRows), T)) as tf.Tensor2D;
    const students = tf.tensor2d(studentRows);
    const kl = (s: tf.Tensor) =>
      tf.mul(tf.mean(tf.sum(tf.mul(teacherProbs, tf.sub(tf.log(teacherProbs), tf.logSoftmax(tf.div(s, T)))), 1)), T * T) as tf.Scalar;
    const kd = (s: tf.Tensor) => distillationLoss({ studentLogits: s as tf.Tensor2D, teacherProbs, temperature: T, alpha: 0 });
    const gKl = Array.from(tf.grad(kl)(students).dataSync());
    const gKd = Array.from(tf.grad(kd)(students).dataSync());
    gKd.forEach((g, i) => expect(g).toBeCloseTo(gKl[i]!, 6));
  });

  it('KD with alpha > 0 refuses to run without labels', () => {
    expect(() =>
      distillationLoss({ studentLogits: tf.tensor2d(studentRows), teacherProbs: tf.tensor2d(studentRows), temperature: 1, alpha: 0.5 }),
    ).toThrow(/needs labels/);
  });
});

describeOnEveryBackend('teacher aggregation', () => {
  const a = [[2, 0]];
  const b = [[0, 1]];

  it('mean-probabilities averages softmax outputs', () => {
    const p = aggregateProbabilities([tf.tensor2d(a), tf.tensor2d(b)], { aggregation: 'mean-probabilities' });
    const expected = softmax(a[0]!).map((v, c) => (v + softmax(b[0]!)[c]!) / 2);
    Array.from(p.dataSync()).forEach((v, c) => expect(v).toBeCloseTo(expected[c]!, 6));
  });

  it('mean-logits takes softmax of the mean logits (with temperature)', () => {
    const p = aggregateProbabilities([tf.tensor2d(a), tf.tensor2d(b)], { aggregation: 'mean-logits', temperature: 2 });
    const expected = softmax([1 / 2, 0.5 / 2]);
    Array.from(p.dataSync()).forEach((v, c) => expect(v).toBeCloseTo(expected[c]!, 6));
  });

  it('weighted normalises the weights', () => {
    const p = aggregateProbabilities([tf.tensor2d(a), tf.tensor2d(b)], { aggregation: 'weighted', weights: [3, 1] });
    const expected = softmax(a[0]!).map((v, c) => 0.75 * v + 0.25 * softmax(b[0]!)[c]!);
    Array.from(p.dataSync()).forEach((v, c) => expect(v).toBeCloseTo(expected[c]!, 6));
    expect(normaliseWeights(2, [3, 1])).toEqual([0.75, 0.25]);
    expect(() => normaliseWeights(2, [1])).toThrow(/1 teacher weights given for 2 teachers/);
    expect(() => normaliseWeights(2, [0, 0])).toThrow(/all be zero/);
    expect(() => aggregateProbabilities([tf.tensor2d(a)], { aggregation: 'weighted' })).toThrow(/needs weights/);
  });
});
