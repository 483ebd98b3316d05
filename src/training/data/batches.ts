// Turns a LabelledImages subset into tensors one batch at a time (never a tensor of the whole set).

import * as tf from '@tensorflow/tfjs';
import type { LabelledImages } from '../../datasets/labelled-images';
import { mulberry32, seededPermutation } from '../random';
import { cropFlipInto, drawCropFlip } from './augmentation';
import type { Normalization } from '../spec/data';
import { normalizationTables } from './normalization';

/** One batch; the consumer owns (and must dispose) both tensors. */
export interface Batch {
  /** [size, height, width, channels], normalised. */
  xs: tf.Tensor4D;
  /** [size] int32 class indices. */
  labels: tf.Tensor1D;
  size: number;
  /** The set's example index of each row, in row order (a cached per-example output is gathered by these). */
  indices: Uint32Array;
  /** Position of this batch within the epoch, from 0. */
  index: number;
}

export interface BatchOptions {
  batchSize: number;
  normalization: Normalization;
  /** Shuffle the given indices with this seed; keep their order when absent. */
  shuffleSeed?: number;
  /** Random crop (padding 4) + horizontal flip drawn from this seed; no augmentation when absent. */
  augmentSeed?: number;
}

export const batchCount = (examples: number, batchSize: number): number => Math.ceil(examples / batchSize);

/** Yields batches of set[indices] in order (or shuffled); the last batch may be smaller, as with drop_last=False. */
export function* imageBatches(set: LabelledImages, indices: Uint32Array, options: BatchOptions): Generator<Batch> {
  const { height, width, channels } = set;
  const imageSize = height * width * channels;
  const tables = normalizationTables(options.normalization, channels);
  const order =
    options.shuffleSeed === undefined
      ? indices
      : seededPermutation(indices.length, options.shuffleSeed).map((position) => indices[position] ?? 0);
  const random = options.augmentSeed === undefined ? undefined : mulberry32(options.augmentSeed);
  const augmented = new Uint8Array(imageSize);
  for (let start = 0, index = 0; start < order.length; start += options.batchSize, index++) {
    const size = Math.min(options.batchSize, order.length - start);
    const values = new Float32Array(size * imageSize);
    const labels = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const example = order[start + i] ?? 0;
      labels[i] = set.labels[example] ?? 0;
      let pixels = set.pixels;
      let offset = example * imageSize;
      if (random) {
        cropFlipInto(augmented, set.pixels, offset, set, drawCropFlip(random));
        pixels = augmented;
        offset = 0;
      }
      const out = i * imageSize;
      for (let p = 0; p < imageSize; p++) {
        values[out + p] = tables[p % channels]?.[pixels[offset + p] ?? 0] ?? 0;
      }
    }
    yield {
      xs: tf.tensor4d(values, [size, height, width, channels]),
      labels: tf.tensor1d(labels, 'int32'),
      size,
      indices: order.slice(start, start + size),
      index,
    };
  }
}

/** All indices 0..count-1, for evaluating a whole set in order. */
export const allIndices = (count: number): Uint32Array => Uint32Array.from({ length: count }, (_, i) => i);
