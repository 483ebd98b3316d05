// Whole-model check: every weight gradient of the project's CNNs on wasm matches the cpu backend.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/training/backend';
import { buildModel, type Architecture } from '../../../src/training/models';
import { onBothBackends, relativeError, seededTensor } from './cross-backend';

afterAll(async () => {
  await selectBackend('cpu');
});

/** Cross-entropy gradients of every trainable weight, in training mode (batch statistics for batch-norm). */
async function weightGradients(architecture: Architecture, inputShape: [number, number, number], batch: number) {
  const model = buildModel(architecture, { inputShape, numClasses: 10, seed: 7 });
  const x = seededTensor<tf.Rank.R4>([batch, ...inputShape], 11);
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => (i * 3) % 10), 'int32'), 10);
  const { grads } = tf.variableGrads(() =>
    tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor),
  );
  const result = new Map<string, Float32Array>();
  for (const [name, g] of Object.entries(grads)) result.set(name, (await g.data()) as Float32Array);
  tf.dispose([x, labels, ...Object.values(grads)]);
  model.dispose();
  return result;
}

describe('training gradients on wasm', () => {
  it.each([
    ['cnn-small', [28, 28, 1], 8, 1e-4],
    // Twenty batch-normalised layers compound float32 rounding differences, hence the looser bound.
    ['resnet18-cifar', [8, 8, 3], 4, 2e-3],
  ] as const)('%s matches the cpu backend for every weight', async (architecture, inputShape, batch, tolerance) => {
    const { wasm, cpu } = await onBothBackends(() => weightGradients(architecture, [...inputShape], batch));
    expect([...wasm.keys()].sort()).toEqual([...cpu.keys()].sort());
    expect(cpu.size).toBeGreaterThan(0);
    const errors = [...cpu].map(([name, expected]) => [name, relativeError(wasm.get(name)!, expected)] as const);
    const worst = errors.reduce((a, b) => (b[1] > a[1] ? b : a));
    expect(worst[1], `worst weight: ${worst[0]}`).toBeLessThan(tolerance);
  });
});
