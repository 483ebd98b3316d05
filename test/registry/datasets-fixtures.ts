// Test support: dataset files written byte by byte in the IDX and CIFAR-10 binary formats, independent of the parsers under test.

const bigEndian = (value: number) => [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];

/** An IDX3 images file of `count` height x width images; pixel values follow a pattern that differs per image. */
export function idxImages(count: number, height: number, width: number): Uint8Array {
  const header = [0x00000803, count, height, width].flatMap(bigEndian);
  const pixels = Array.from({ length: count * height * width }, (_, i) => (i * 7 + Math.floor(i / (height * width))) % 256);
  return new Uint8Array([...header, ...pixels]);
}

/** An IDX1 labels file. */
export function idxLabels(labels: number[]): Uint8Array {
  return new Uint8Array([...[0x00000801, labels.length].flatMap(bigEndian), ...labels]);
}

const CIFAR_IMAGE_BYTES = 32 * 32 * 3;

/** A CIFAR-10 binary batch: per record one label byte, then 3072 pixel bytes (R plane, G plane, B plane). */
export function cifarBatch(labels: number[]): Uint8Array {
  const out = new Uint8Array(labels.length * (1 + CIFAR_IMAGE_BYTES));
  labels.forEach((label, n) => {
    const record = n * (1 + CIFAR_IMAGE_BYTES);
    out[record] = label;
    for (let p = 0; p < CIFAR_IMAGE_BYTES; p++) out[record + 1 + p] = (p + n * 31) % 256;
  });
  return out;
}

/** A small valid IDX dataset: 6 train images (labels 0..2), 3 test images, 4x5 pixels. */
export function smallIdxFiles(): Record<string, Uint8Array> {
  return {
    'train-images': idxImages(6, 4, 5),
    'train-labels': idxLabels([0, 1, 2, 2, 1, 2]),
    'test-images': idxImages(3, 4, 5),
    'test-labels': idxLabels([2, 0, 0]),
  };
}
