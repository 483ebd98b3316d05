// Images as model input: PNG and JPEG of any size and channel count decoded, converted, resized and normalised
// exactly as the same pixels given as a tensor would be (tfjs's own bilinear resize is the reference).
import * as tf from '@tensorflow/tfjs';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputNormalization, Predictor } from '../../src/registry/ports';
import { InvalidImageError } from '../../src/serving/errors';
import { decodeImageInto, imageGeometry, normalizeInPlace, type ImageGeometry } from '../../src/serving/images';
import { createPredictor } from '../../src/serving/predictor';
import { softmaxRows } from '../../src/training/softmax';
import { distinctRows, logitsOf, metricValue, storeModel, tempBlobStore, versionTarget, type StoredModel, type TempBlobStore } from './serving-fixtures';

/** Deterministic 8-bit pixels, interleaved. */
const pixels = (width: number, height: number, channels: number, seed: number) =>
  Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 37 + seed * 101 + ((i * i) % 13)) % 256);

/** What the serving layer must produce from 8-bit pixels: [0, 1], channels converted, then tfjs's half-pixel bilinear resize. */
function reference(source: Uint8Array, width: number, height: number, channels: number, to: ImageGeometry): Float32Array {
  return tf.tidy(() => {
    let image = tf.tensor3d(source, [height, width, channels], 'int32').toFloat().div(255);
    if (channels === 4 || channels === 2) image = image.slice([0, 0, 0], [height, width, channels - 1]);
    const colour = image.shape[2] === 3;
    if (to.channels === 1 && colour) image = image.mul(tf.tensor1d([0.299, 0.587, 0.114])).sum(2, true);
    if (to.channels === 3 && !colour) image = image.tile([1, 1, 3]);
    return tf.image.resizeBilinear(image as tf.Tensor3D, [to.height, to.width], false, true).dataSync() as Float32Array;
  });
}

const decodeRow = (bytes: Uint8Array, geometry: ImageGeometry) => {
  const out = new Float32Array(geometry.height * geometry.width * geometry.channels);
  decodeImageInto(bytes, geometry, out, 0);
  return out;
};

function expectClose(actual: Float32Array, expected: Float32Array, digits = 5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, digits));
}

describe('decoding images into model rows', () => {
  const RGB: ImageGeometry = { height: 6, width: 5, channels: 3 };
  const GRAY: ImageGeometry = { height: 6, width: 5, channels: 1 };

  it.each([
    ['an RGBA PNG larger than the input', 9, 11, 4, RGB],
    ['an RGB PNG smaller than the input', 3, 2, 3, RGB],
    ['a gray PNG into an RGB input', 7, 4, 1, RGB],
    ['a gray+alpha PNG into an RGB input', 4, 4, 2, RGB],
    ['an RGB PNG into a gray input', 8, 9, 3, GRAY],
    ['a PNG of exactly the input size', 5, 6, 3, RGB],
  ])('%s', (_, width, height, channels, geometry) => {
    const source = pixels(width, height, channels, width);
    const png = encodePng({ width, height, data: source, channels, depth: 8 });
    expectClose(decodeRow(png, geometry), reference(source, width, height, channels, geometry));
  });

  it('a 16-bit PNG is scaled by 65535', () => {
    const data = Uint16Array.from({ length: 5 * 6 }, (_, i) => i * 2000);
    const png = encodePng({ width: 5, height: 6, data, channels: 1, depth: 16 });
    expectClose(decodeRow(png, GRAY), Float32Array.from(data, (v) => v / 65535));
  });

  it('a JPEG is decoded (lossy: its own decoded pixels are the reference)', () => {
    const width = 12;
    const height = 10;
    const rgba = pixels(width, height, 4, 3);
    const encoded = jpeg.encode({ width, height, data: rgba }, 95).data;
    const decoded = jpeg.decode(encoded, { useTArray: true, formatAsRGBA: true }).data;
    expectClose(decodeRow(encoded, RGB), reference(decoded, width, height, 4, RGB));
    expectClose(decodeRow(encoded, GRAY), reference(decoded, width, height, 4, GRAY));
  });

  it.each([
    ['bytes of neither format', new Uint8Array([1, 2, 3, 4, 5])],
    ['a truncated PNG', encodePng({ width: 4, height: 4, data: pixels(4, 4, 3, 1), channels: 3, depth: 8 }).subarray(0, 40)],
    ['a truncated JPEG', jpeg.encode({ width: 8, height: 8, data: pixels(8, 8, 4, 1) }, 90).data.subarray(0, 30)],
  ])('%s is an InvalidImageError', (_, bytes) => {
    expect(() => decodeRow(bytes, RGB)).toThrow(InvalidImageError);
  });

  it('a model input that is not an image is refused', () => {
    expect(() => imageGeometry([16])).toThrow(InvalidImageError);
    expect(() => imageGeometry([4, 4, 2])).toThrow(InvalidImageError);
    expect(imageGeometry([28, 28])).toEqual({ height: 28, width: 28, channels: 1 });
  });

  it('normalises per channel, or with one value for all', () => {
    const values = Float32Array.from([0.5, 0.5, 0.5, 1, 1, 1]);
    normalizeInPlace(values, 0, 6, 3, { mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2] });
    expectClose(values, Float32Array.from([0, 1, 0.25, 1, 3, 0.5]));
    const gray = Float32Array.from([0, 1]);
    normalizeInPlace(gray, 0, 2, 1, { mean: [0.5], std: [0.5] });
    expectClose(gray, Float32Array.from([-1, 1]));
  });
});

describe('predicting from images', () => {
  const NORMALIZATION: InputNormalization = { mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.5] };
  const GEOMETRY: ImageGeometry = { height: 6, width: 6, channels: 3 };
  let store: TempBlobStore;
  let predictor: Predictor;
  let model: StoredModel;

  beforeAll(async () => {
    store = await tempBlobStore();
    model = await storeModel(store.blobs, { versionId: 'rgb', inputShape: [6, 6, 3], classes: 4, seed: 11, normalization: NORMALIZATION });
    predictor = createPredictor({
      blobs: store.blobs,
      workers: 1,
      cacheBytes: 64 * 1024 * 1024,
      backend: 'cpu',
      // The three requests (2 + 1 + 1 rows) fill a batch: the undecodable image is coalesced with good requests, deterministically.
      batching: { maxBatchSize: 4, maxQueueDelayMs: 600_000, maxQueuedRows: 64, overrides: {} },
    });
  });

  afterAll(async () => {
    await predictor.close();
    await store.remove();
  });

  const normalised = (row: Float32Array) => {
    normalizeInPlace(row, 0, row.length, 3, NORMALIZATION);
    return row;
  };

  it('answers an image like the same pixels given as a normalised tensor, and fails only the request whose image does not decode', async () => {
    const png = encodePng({ width: 9, height: 7, data: pixels(9, 7, 4, 1), channels: 4, depth: 8 });
    const grayPng = encodePng({ width: 3, height: 4, data: pixels(3, 4, 1, 2), channels: 1, depth: 8 });
    const tensorRow = distinctRows(1, 6 * 6 * 3, 4);
    const target = versionTarget(model);
    const [fromImages, fromTensor, broken] = await Promise.allSettled([
      predictor.predict(target, { kind: 'images', images: [png, grayPng] }),
      predictor.predict(target, { kind: 'tensor', rows: 1, values: tensorRow }),
      predictor.predict(target, { kind: 'images', images: [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0])] }),
    ]);
    const expectedInput = new Float32Array(2 * 6 * 6 * 3);
    expectedInput.set(normalised(reference(pixels(9, 7, 4, 1), 9, 7, 4, GEOMETRY)), 0);
    expectedInput.set(normalised(reference(pixels(3, 4, 1, 2), 3, 4, 1, GEOMETRY)), 6 * 6 * 3);
    expect(fromImages.status).toBe('fulfilled');
    expectClose((fromImages as PromiseFulfilledResult<{ probabilities: Float32Array }>).value.probabilities, softmaxRows(logitsOf(model, expectedInput, 2), 4));
    expect(fromTensor.status).toBe('fulfilled');
    // Tensor rows are model-ready: fed as given, not normalised.
    expectClose((fromTensor as PromiseFulfilledResult<{ probabilities: Float32Array }>).value.probabilities, softmaxRows(logitsOf(model, tensorRow, 1), 4));
    expect(metricValue(predictor.metricsText(), 'distillery_predict_batches_total', { target: target.name })).toBe(1);
    expect(broken.status).toBe('rejected');
    expect((broken as PromiseRejectedResult).reason).toBeInstanceOf(InvalidImageError);
  });

  it('refuses images for a model that does not take them, before queueing', async () => {
    const flat = { ...versionTarget(model), inputShape: [108] };
    const png = encodePng({ width: 2, height: 2, data: pixels(2, 2, 3, 1), channels: 3, depth: 8 });
    await expect(predictor.predict(flat, { kind: 'images', images: [png] })).rejects.toBeInstanceOf(InvalidImageError);
  });
});
