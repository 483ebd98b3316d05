// Tiny generated datasets for training tests: learnable in a few epochs on the CPU backend.

import * as tf from '@tensorflow/tfjs';
import type { LabelledImages } from '../../src/datasets';
import { mulberry32, randomInt } from '../../src/training/random';

/**
 * `count` 8x8 images (1 channel unless asked) in `numClasses` classes: class c has a bright horizontal band in
 * rows 2c..2c+1 (mod 8), on uniform noise in 0..100. Separable, but not at a glance for a fresh model.
 */
export function bandImages(count: number, seed: number, numClasses = 2, channels = 1): LabelledImages {
  const random = mulberry32(seed);
  const imageSize = 64 * channels;
  const pixels = new Uint8Array(count * imageSize);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = randomInt(random, numClasses);
    labels[n] = label;
    for (let p = 0; p < imageSize; p++) {
      const row = Math.floor(p / (8 * channels));
      const inBand = Math.floor(row / 2) === label % 4;
      pixels[n * imageSize + p] = inBand ? 150 + randomInt(random, 106) : randomInt(random, 101);
    }
  }
  return { count, height: 8, width: 8, channels, pixels, labels, numClasses };
}

/** A tiny conv + BatchNorm model for 8x8x1 inputs (the ResNets are too slow for the CPU backend's conv gradients). */
export function tinyBatchNormModel(numClasses = 2): tf.LayersModel {
  const seed = 17;
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, strides: 2, useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.batchNormalization({ epsilon: 1e-5, momentum: 0.9 }),
      tf.layers.reLU(),
      tf.layers.flatten(),
      tf.layers.dense({ units: numClasses, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}
