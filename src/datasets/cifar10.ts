// CIFAR-10 binary format: records of 1 label byte + 3072 bytes CHW (32x32x3), converted to HWC.

import { DatasetFormatError } from './errors';
import { rejectGzip } from './gzip';

export const CIFAR10_CLASS_NAMES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
] as const;

const SIDE = 32;
const PLANE = SIDE * SIDE;
const IMAGE_BYTES = 3 * PLANE;
export const CIFAR10_RECORD_BYTES = 1 + IMAGE_BYTES;

export interface Cifar10Images {
  count: number;
  height: 32;
  width: 32;
  channels: 3;
  /** HWC per image. */
  pixels: Uint8Array;
  labels: Uint8Array;
  numClasses: 10;
}

/** Parses one or more concatenated CIFAR-10 binary batch files (data_batch_N.bin / test_batch.bin). */
export function parseCifar10Binary(bytes: Uint8Array): Cifar10Images {
  rejectGzip(bytes, 'CIFAR-10 file');
  if (bytes.length === 0 || bytes.length % CIFAR10_RECORD_BYTES !== 0) {
    throw new DatasetFormatError(
      `CIFAR-10 file length ${bytes.length} is not a positive multiple of the ${CIFAR10_RECORD_BYTES}-byte record size`,
    );
  }
  const count = bytes.length / CIFAR10_RECORD_BYTES;
  const pixels = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const record = n * CIFAR10_RECORD_BYTES;
    const label = bytes[record] ?? 0;
    if (label >= CIFAR10_CLASS_NAMES.length) {
      throw new DatasetFormatError(`CIFAR-10 record ${n} has label ${label}, expected 0..9`);
    }
    labels[n] = label;
    const out = n * IMAGE_BYTES;
    for (let c = 0; c < 3; c++) {
      const plane = record + 1 + c * PLANE;
      for (let p = 0; p < PLANE; p++) pixels[out + p * 3 + c] = bytes[plane + p] ?? 0;
    }
  }
  return { count, height: SIDE, width: SIDE, channels: 3, pixels, labels, numClasses: 10 };
}

/** Serialises HWC images + labels back into the CIFAR-10 binary record format (tests, built-in storage). */
export function toCifar10Binary(images: { count: number; pixels: Uint8Array; labels: Uint8Array }): Uint8Array {
  const out = new Uint8Array(images.count * CIFAR10_RECORD_BYTES);
  for (let n = 0; n < images.count; n++) {
    const record = n * CIFAR10_RECORD_BYTES;
    out[record] = images.labels[n] ?? 0;
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < PLANE; p++) out[record + 1 + c * PLANE + p] = images.pixels[n * IMAGE_BYTES + p * 3 + c] ?? 0;
    }
  }
  return out;
}
