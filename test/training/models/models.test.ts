// Architectures on every backend: torchvision parameter counts, logits shape for any input size, seeded initial weights.

import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { buildModel, countTrainableParams, ARCHITECTURE_NAMES } from '../../../src/training/models';
import { describeOnEveryBackend } from '../backends';

const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

describeOnEveryBackend('architectures', () => {
  it('resnet18 has exactly torchvision resnet18 trainable parameter count (10 classes)', () => {
    const model = buildModel('resnet18', { inputShape: [224, 224, 3], numClasses: 10, seed: 1 });
    expect(countTrainableParams(model)).toBe(11_181_642);
    // 2 BN running statistics per channel are buffers: 4,800 channels of BN in ResNet-18.
    expect(model.countParams() - countTrainableParams(model)).toBe(9_600);
    expect(model.outputs[0]?.shape).toEqual([null, 10]);
    model.dispose();
  });

  it('resnet18 pads symmetrically: 224 -> 112 -> 56 -> 7 like torchvision', () => {
    const model = buildModel('resnet18', { inputShape: [224, 224, 3], numClasses: 10, seed: 1 });
    expect(model.getLayer('conv1').outputShape).toEqual([null, 112, 112, 64]);
    expect(model.getLayer('maxpool').outputShape).toEqual([null, 56, 56, 64]);
    expect(model.getLayer('layer4.1.relu2').outputShape).toEqual([null, 7, 7, 512]);
    model.dispose();
  });

  it('resnet18-cifar keeps 32x32 through the stem and has the CIFAR ResNet-18 count', () => {
    const model = buildModel('resnet18-cifar', { inputShape: [32, 32, 3], numClasses: 10, seed: 1 });
    expect(model.getLayer('conv1').outputShape).toEqual([null, 32, 32, 64]);
    expect(model.getLayer('layer4.1.relu2').outputShape).toEqual([null, 4, 4, 512]);
    // 11,181,642 - 7*7*3*64 + 3*3*3*64
    expect(countTrainableParams(model)).toBe(11_173_962);
    model.dispose();
  });

  it.each(ARCHITECTURE_NAMES)('%s outputs logits for odd input sizes', (architecture) => {
    const inputShape: [number, number, number] = architecture.startsWith('resnet') ? [13, 9, 3] : [9, 7, 1];
    const model = buildModel(architecture, { inputShape, numClasses: 3, seed: 7 });
    const logits = tf.tidy(() => model.predict(tf.ones([2, ...inputShape])) as tf.Tensor);
    expect(logits.shape).toEqual([2, 3]);
    // Logits, not probabilities: rows need not sum to 1 and may be negative.
    const row = Array.from(logits.dataSync()).slice(0, 3);
    expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeGreaterThan(1e-3);
    logits.dispose();
    model.dispose();
  });

  it('cnn-small and mlp have exactly the specified layers', () => {
    const cnn = buildModel('cnn-small', { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    // 320 + 18,496 + (7*7*64*128 + 128) + 1,290
    expect(countTrainableParams(cnn)).toBe(320 + 18_496 + 401_536 + 1_290);
    const mlp = buildModel('mlp', { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    expect(countTrainableParams(mlp)).toBe(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
    cnn.dispose();
    mlp.dispose();
  });

  it('same seed gives the same initial weights, another seed different ones, layers differ', () => {
    const options = { inputShape: [8, 8, 1] as [number, number, number], numClasses: 2 };
    const a = buildModel('cnn-small', { ...options, seed: 3 });
    const b = buildModel('cnn-small', { ...options, seed: 3 });
    const c = buildModel('cnn-small', { ...options, seed: 4 });
    expect(weightsOf(a)).toEqual(weightsOf(b));
    expect(weightsOf(a)).not.toEqual(weightsOf(c));
    // fc1's kernel and bias come from distinct seeds, not one stream restarted.
    const [kernel, bias] = [a.getLayer('fc1').getWeights()[0], a.getLayer('fc1').getWeights()[1]];
    expect(Array.from(bias!.dataSync()).slice(0, 5)).not.toEqual(Array.from(kernel!.dataSync()).slice(0, 5));
    for (const m of [a, b, c]) m.dispose();
  });
});
