// Small models that train in seconds on a CPU; their PyTorch twins (bench/) must stay layer-for-layer equal.

import * as tf from '@tensorflow/tfjs';
import { LayerSeeds, torchDense } from './initializers';
import type { ModelOptions } from './options';

/** conv3x3(32) ReLU, maxpool2, conv3x3(64) ReLU, maxpool2, flatten, dense 128 ReLU, dense numClasses (logits). */
export function buildCnnSmall({ inputShape, numClasses, seed }: ModelOptions): tf.LayersModel {
  const seeds = new LayerSeeds(seed);
  const [height, width, channels] = inputShape;
  const conv = (name: string, inChannels: number, filters: number) =>
    tf.layers.conv2d({
      name,
      filters,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: seeds.torchDefault(9 * inChannels),
      biasInitializer: seeds.torchDefault(9 * inChannels),
    });
  const flatUnits = Math.floor(Math.floor(height / 2) / 2) * Math.floor(Math.floor(width / 2) / 2) * 64;
  const input = tf.input({ shape: inputShape, name: 'input' });
  let x = conv('conv1', channels, 32).apply(input) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = conv('conv2', 32, 64).apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  x = torchDense(seeds, { name: 'fc1', inputUnits: flatUnits, units: 128, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  const logits = torchDense(seeds, { name: 'fc2', inputUnits: 128, units: numClasses }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'cnn-small' });
}

/** flatten, dense 256 ReLU, dense 128 ReLU, dense numClasses (logits). */
export function buildMlp({ inputShape, numClasses, seed }: ModelOptions): tf.LayersModel {
  const seeds = new LayerSeeds(seed);
  const inputUnits = inputShape[0] * inputShape[1] * inputShape[2];
  const input = tf.input({ shape: inputShape, name: 'input' });
  let x = tf.layers.flatten({ name: 'flatten' }).apply(input) as tf.SymbolicTensor;
  x = torchDense(seeds, { name: 'fc1', inputUnits, units: 256, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = torchDense(seeds, { name: 'fc2', inputUnits: 256, units: 128, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  const logits = torchDense(seeds, { name: 'fc3', inputUnits: 128, units: numClasses }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'mlp' });
}
