// Whole-model check: every weight gradient of the project's CNNs on wasm and on wasm+onednn matches the cpu backend.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/training/backend';
import { buildModel, type Architecture } from '../../../src/training/models';
import { onBackendAndCpu, relativeError, seededTensor } from './cross-backend';

afterAll(async () => {
  await selectBackend('cpu');
});

/** Cross-entropy gradients of every trainable weight; `training` makes batch-norm use batch statistics. */
async function weightGradients(model: tf.LayersModel, batch: number, training: boolean) {
  const inputShape = model.inputs[0]!.shape.slice(1) as number[];
  const x = seededTensor<tf.Rank.R4>([batch, ...inputShape], 11);
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => (i * 3) % 10), 'int32'), 10);
  const { grads } = tf.variableGrads(() =>
    tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training }) as tf.Tensor),
  );
  // Variable names get a per-process uniquifying suffix, so weights are matched by position and layer name.
  const result = new Map<string, Float32Array>();
  for (const [i, weight] of model.trainableWeights.entries()) {
    const g = grads[(weight.read() as tf.Variable).name];
    if (g === undefined) throw new Error(`no gradient for ${weight.originalName}`);
    result.set(`${i}:${weight.originalName}`, (await g.data()) as Float32Array);
  }
  tf.dispose([x, labels, ...Object.values(grads)]);
  model.dispose();
  return result;
}

/** conv (no bias: batch-norm cancels it), batch-norm with batch statistics, ReLU, average pool, dense. */
function convBatchNormModel(): tf.LayersModel {
  const seeds = { conv: 1, dense: 2 };
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ name: 'conv', inputShape: [9, 9, 3], filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: tf.initializers.glorotNormal({ seed: seeds.conv }) }),
      tf.layers.batchNormalization({ name: 'bn', axis: -1, epsilon: 1e-5, gammaInitializer: 'ones' }),
      tf.layers.reLU({ name: 'relu' }),
      tf.layers.globalAveragePooling2d({ name: 'pool' }),
      tf.layers.dense({ name: 'fc', units: 10, kernelInitializer: tf.initializers.glorotNormal({ seed: seeds.dense }) }),
    ],
  });
}

describe.each(['wasm', 'onednn'] as const)('training gradients on %s', (backend) => {
  const build = (architecture: Architecture, inputShape: [number, number, number]) => () =>
    buildModel(architecture, { inputShape, numClasses: 10, seed: 7 });
  // resnet18-cifar runs in inference mode: with batch statistics over the 1x1 maps of its last stage
  // the normalised values are ±1 and their gradients cancel, so rounding noise dominates any
  // comparison; batch-norm's training gradient is checked on the well-conditioned model instead.
  it.each([
    ['cnn-small, training mode', build('cnn-small', [28, 28, 1]), 8, true],
    ['resnet18-cifar, inference mode', build('resnet18-cifar', [8, 8, 3]), 2, false],
    ['conv + batch-norm, training mode', convBatchNormModel, 6, true],
  ] as const)('%s matches the cpu backend for every weight', async (_, makeModel, batch, training) => {
    const { tested, cpu } = await onBackendAndCpu(backend, () => weightGradients(makeModel(), batch, training));
    expect([...tested.keys()].sort()).toEqual([...cpu.keys()].sort());
    expect(cpu.size).toBeGreaterThan(0);
    const errors = [...cpu].map(([name, expected]) => [name, relativeError(tested.get(name)!, expected)] as const);
    const worst = errors.reduce((a, b) => (b[1] > a[1] ? b : a));
    expect(worst[1], `worst weight: ${worst[0]}`).toBeLessThan(1e-4);
  });
});
