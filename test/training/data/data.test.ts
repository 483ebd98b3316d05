// Data pipeline: fixed split, normalisation, seeded crop/flip and batches created one at a time (batches on every backend).

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { LabelledImages } from '../../../src/datasets';
import {
  allIndices,
  cropFlipInto,
  DEFAULT_NORMALIZATION,
  imageBatches,
  splitTrainValidation,
} from '../../../src/training/data';
import { describeOnEveryBackend } from '../backends';

/** count images of 2x2x1 whose pixels all equal the image's index; label = index % 3. */
function numberedImages(count: number): LabelledImages {
  const pixels = new Uint8Array(count * 4);
  for (let n = 0; n < count; n++) pixels.fill(n, n * 4, n * 4 + 4);
  return { count, height: 2, width: 2, channels: 1, pixels, labels: Uint8Array.from({ length: count }, (_, n) => n % 3), numClasses: 3 };
}

describe('train/validation split', () => {
  it('holds out floor(10 %) with seed 42, disjoint, covering, and the same every time', () => {
    const split = splitTrainValidation(1005);
    expect(split.train.length).toBe(905);
    expect(split.validation.length).toBe(100);
    expect(new Set([...split.train, ...split.validation]).size).toBe(1005);
    expect(splitTrainValidation(1005)).toEqual(split);
    expect(splitTrainValidation(1005, 0.1, 43).validation).not.toEqual(split.validation);
    // Shuffled, not the tail of the file.
    expect(Array.from(split.validation).some((i) => i < 905)).toBe(true);
  });
});

describe('augmentation', () => {
  // 3x3x1 image: 1 2 3 / 4 5 6 / 7 8 9
  const image = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const shape = { height: 3, width: 3, channels: 1 };
  const apply = (dy: number, dx: number, flip: boolean) => {
    const out = new Uint8Array(9);
    cropFlipInto(out, image, 0, shape, { dy, dx, flip });
    return Array.from(out);
  };

  it('shifts with zero fill and mirrors horizontally', () => {
    expect(apply(0, 0, false)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(apply(1, 0, false)).toEqual([4, 5, 6, 7, 8, 9, 0, 0, 0]);
    expect(apply(0, -1, false)).toEqual([0, 1, 2, 0, 4, 5, 0, 7, 8]);
    expect(apply(0, 0, true)).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7]);
    // Crop first, then flip the crop (torchvision order).
    expect(apply(0, 1, true)).toEqual([0, 3, 2, 0, 6, 5, 0, 9, 8]);
  });
});

describeOnEveryBackend('batches', () => {
  const set = numberedImages(10);

  it('normalises to (x/255 - 0.5)/0.5 and keeps order without a shuffle seed', () => {
    const batches = [...imageBatches(set, allIndices(10), { batchSize: 4, normalization: DEFAULT_NORMALIZATION })];
    expect(batches.map((b) => b.size)).toEqual([4, 4, 2]);
    const first = batches[0]!;
    expect(first.xs.shape).toEqual([4, 2, 2, 1]);
    expect(first.xs.dtype).toBe('float32');
    expect(first.labels.dtype).toBe('int32');
    const values = first.xs.dataSync();
    expect(values[4]).toBeCloseTo((1 / 255 - 0.5) / 0.5, 6);
    expect(values[0]).toBe(-1);
    expect(Array.from(batches[2]!.labels.dataSync())).toEqual([8 % 3, 9 % 3]);
    for (const b of batches) tf.dispose([b.xs, b.labels]);
  });

  const firstPixels = (indices: Uint32Array, options: Partial<Parameters<typeof imageBatches>[2]>) => {
    const seen: number[] = [];
    for (const batch of imageBatches(set, indices, { batchSize: 3, normalization: { mean: [0], std: [1 / 255] }, ...options })) {
      const values = batch.xs.dataSync();
      for (let i = 0; i < batch.size; i++) seen.push(Math.round(values[i * 4]!));
      tf.dispose([batch.xs, batch.labels]);
    }
    return seen;
  };

  it('shuffles the given indices reproducibly per seed', () => {
    const indices = Uint32Array.from([0, 2, 4, 6, 8]);
    const a = firstPixels(indices, { shuffleSeed: 5 });
    expect([...a].sort((x, y) => x - y)).toEqual([0, 2, 4, 6, 8]);
    expect(firstPixels(indices, { shuffleSeed: 5 })).toEqual(a);
    const orders = new Set([1, 2, 3, 4, 6, 7].map((seed) => firstPixels(indices, { shuffleSeed: seed }).join()));
    expect(orders.size).toBeGreaterThan(1);
  });

  it("names each row's example index, shuffled or not (the rows a cached per-example output is gathered by)", () => {
    const indices = Uint32Array.from([0, 2, 4, 6, 8]);
    for (const shuffleSeed of [undefined, 5]) {
      const rows: number[] = [];
      const named: number[] = [];
      for (const batch of imageBatches(set, indices, { batchSize: 3, normalization: { mean: [0], std: [1 / 255] }, shuffleSeed })) {
        const values = batch.xs.dataSync();
        for (let i = 0; i < batch.size; i++) rows.push(Math.round(values[i * 4]!));
        named.push(...batch.indices);
        tf.dispose([batch.xs, batch.labels]);
      }
      expect(named).toEqual(rows);
    }
  });

  it('augments reproducibly per seed and only with a seed', () => {
    const big: LabelledImages = { ...numberedImages(1), height: 8, width: 8, pixels: Uint8Array.from({ length: 64 }, (_, i) => i + 1) };
    const pixelsOf = (augmentSeed?: number) => {
      const [batch] = [...imageBatches(big, allIndices(1), { batchSize: 1, normalization: { mean: [0], std: [1 / 255] }, augmentSeed })];
      const values = Array.from(batch!.xs.dataSync(), Math.round);
      tf.dispose([batch!.xs, batch!.labels]);
      return values;
    };
    expect(pixelsOf()).toEqual(Array.from(big.pixels));
    expect(pixelsOf(11)).toEqual(pixelsOf(11));
    const variants = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => pixelsOf(seed).join()));
    expect(variants.size).toBeGreaterThan(4);
  });

  it('creates tensors lazily: only the current batch is alive', () => {
    const before = tf.memory().numTensors;
    for (const batch of imageBatches(set, allIndices(10), { batchSize: 2, normalization: DEFAULT_NORMALIZATION })) {
      expect(tf.memory().numTensors).toBe(before + 2);
      tf.dispose([batch.xs, batch.labels]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
