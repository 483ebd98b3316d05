// Optimizers on every backend: PyTorch weight-decay semantics, learning-rate changes, and state that survives save/load.

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { learningRateAt } from '../../src/training/lr-schedule';
import { OptimizerStateError } from '../../src/training/errors';
import { TrainingOptimizer } from '../../src/training/optimizers';
import { optimizerSpecSchema } from '../../src/training/spec';
import { describeOnEveryBackend } from './backends';

let counter = 0;
/** One optimizer step on a fresh variable holding `value`, with gradient `gradient`; returns the new value. */
function stepOnce(spec: object, value: number, gradient: number): number {
  const optimizer = new TrainingOptimizer(optimizerSpecSchema.parse(spec));
  const variable = tf.variable(tf.scalar(value), true, `opt-test-${counter++}`);
  const grad = tf.scalar(gradient);
  optimizer.step([variable], { [variable.name]: grad });
  const result = variable.dataSync()[0]!;
  tf.dispose([variable, grad]);
  optimizer.dispose();
  return result;
}

describeOnEveryBackend('TrainingOptimizer', () => {
  it('adamw decays decoupled, adam and sgd add weight decay to the gradient (torch semantics)', () => {
    // AdamW: p * (1 - lr*wd) and a zero Adam step for a zero gradient.
    expect(stepOnce({ name: 'adamw', learningRate: 0.1, weightDecay: 0.5 }, 4, 0)).toBeCloseTo(3.8, 6);
    // Adam + L2: the gradient becomes wd*p = 2, and Adam's first step moves by lr (up to float32 bias correction).
    expect(stepOnce({ name: 'adam', learningRate: 0.1, weightDecay: 0.5 }, 4, 0)).toBeCloseTo(3.9, 5);
    // SGD + L2: 4 - 0.1 * (0.5 * 4)
    expect(stepOnce({ name: 'sgd', learningRate: 0.1, weightDecay: 0.5 }, 4, 0)).toBeCloseTo(3.8, 6);
    expect(stepOnce({ name: 'sgd', learningRate: 0.1, momentum: 0.9 }, 4, 1)).toBeCloseTo(3.9, 5);
  });

  it('applies a changed learning rate to every kind', () => {
    for (const name of ['adam', 'sgd'] as const) {
      const optimizer = new TrainingOptimizer(optimizerSpecSchema.parse({ name, learningRate: 1 }));
      optimizer.setLearningRate(0.25);
      const variable = tf.variable(tf.scalar(1), true, `opt-lr-${name}`);
      optimizer.step([variable], { [variable.name]: tf.scalar(1) });
      expect(variable.dataSync()[0]).toBeCloseTo(0.75, 5);
      variable.dispose();
      optimizer.dispose();
    }
  });

  it.each(['adam', 'adamw', 'sgd'] as const)('%s state saved after 3 steps continues identically after loading', async (name) => {
    const spec = optimizerSpecSchema.parse({ name, learningRate: 0.05, momentum: name === 'sgd' ? 0.9 : 0, weightDecay: 0.01 });
    const original = new TrainingOptimizer(spec);
    const a = tf.variable(tf.tensor1d([1, -2, 3]), true, `opt-state-a-${name}`);
    const gradient = (v: tf.Variable) => ({ [v.name]: tf.mul(v, 0.3) });
    for (let i = 0; i < 3; i++) original.step([a], gradient(a));
    const state = await original.saveState();
    const restored = new TrainingOptimizer(spec);
    await restored.loadState(state);
    const b = tf.variable(a.clone(), true, `opt-state-b-${name}`);
    original.step([a], gradient(a));
    restored.step([b], gradient(b));
    expect(b.dataSync()).toEqual(a.dataSync());
    const other = new TrainingOptimizer(optimizerSpecSchema.parse({ name: name === 'sgd' ? 'adam' : 'sgd' }));
    await expect(other.loadState(state)).rejects.toThrow(OptimizerStateError);
    await expect(other.loadState(new Uint8Array([1, 2, 3]))).rejects.toThrow(/DOS1/);
    tf.dispose([a, b]);
    for (const o of [original, restored, other]) o.dispose();
  });
});

describe('learning-rate schedules', () => {
  it('constant, cosine (T_max = epochs) and step', () => {
    expect(learningRateAt({ name: 'constant' }, 0.1, 7, 10)).toBe(0.1);
    expect(learningRateAt({ name: 'cosine', minLearningRate: 0 }, 0.1, 0, 10)).toBeCloseTo(0.1, 12);
    expect(learningRateAt({ name: 'cosine', minLearningRate: 0 }, 0.1, 5, 10)).toBeCloseTo(0.05, 12);
    expect(learningRateAt({ name: 'cosine', minLearningRate: 0.02 }, 0.1, 10, 10)).toBeCloseTo(0.02, 12);
    expect([0, 2, 3, 6].map((e) => learningRateAt({ name: 'step', stepSize: 3, gamma: 0.1 }, 1, e, 10))).toEqual([1, 1, 0.1, 0.1 ** 2]);
  });
});
