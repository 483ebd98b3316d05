// Checkpoint format: tfjs Layers model.json + weights.bin in memory, round-tripped exactly on every backend.

import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { deserializeModel, serializeModel } from '../../src/training/checkpoint';
import { CheckpointFormatError } from '../../src/training/errors';
import { buildModel } from '../../src/training/models';
import { describeOnEveryBackend } from './backends';

describeOnEveryBackend('checkpoint', () => {
  it('round-trips a ResNet (BatchNorm statistics included) through plain JSON + bytes', async () => {
    const model = buildModel('resnet18-cifar', { inputShape: [8, 8, 3], numClasses: 3, seed: 2 });
    // Move the BatchNorm running statistics away from their initial values with one training-mode pass.
    tf.tidy(() => model.apply(tf.randomUniform([4, 8, 8, 3], 0, 1, 'float32', 1), { training: true }) as tf.Tensor);
    const { modelJson, weights } = await serializeModel(model);
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    const specs = modelJson.weightsManifest[0].weights;
    expect(specs.some((s) => s.name.endsWith('moving_mean'))).toBe(true);
    expect(weights.length).toBe(specs.reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0));

    const loaded = await deserializeModel({ modelJson: JSON.parse(JSON.stringify(modelJson)), weights });
    const input = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 3);
    const expected = (model.predict(input) as tf.Tensor).dataSync();
    expect((loaded.predict(input) as tf.Tensor).dataSync()).toEqual(expected);
    expect(loaded.getLayer('layer2.0.downsample.0')).toBeDefined();
    tf.dispose(input);
    model.dispose();
    loaded.dispose();
  });

  it('rejects a model.json that is not a Layers model', async () => {
    const bogus = { format: 'graph-model', modelTopology: {}, weightsManifest: [] } as never;
    await expect(deserializeModel({ modelJson: bogus, weights: new Uint8Array(0) })).rejects.toThrow(CheckpointFormatError);
  });
});
