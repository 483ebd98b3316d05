// Tiny learnable IDX datasets for the node tests: test/training's band images written as IDX files.
import { idxLabels } from '../registry/datasets-fixtures';
import { bandImages } from '../training/fixtures';

export const BAND_LABELS = ['top', 'upper', 'lower', 'bottom'];

const bigEndian = (value: number) => [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];

function idxImagesOf(images: ReturnType<typeof bandImages>): Uint8Array {
  const header = new Uint8Array([0x00000803, images.count, images.height, images.width].flatMap(bigEndian));
  const out = new Uint8Array(header.length + images.pixels.length);
  out.set(header);
  out.set(images.pixels, header.length);
  return out;
}

/** `trainCount` + `testCount` 8x8x1 band images in four classes, as the four IDX files of a dataset. */
export function bandIdxFiles(trainCount: number, testCount: number, seed = 1): Record<string, Uint8Array> {
  const train = bandImages(trainCount, seed, BAND_LABELS.length);
  const test = bandImages(testCount, seed + 1, BAND_LABELS.length);
  return {
    'train-images': idxImagesOf(train),
    'train-labels': idxLabels([...train.labels]),
    'test-images': idxImagesOf(test),
    'test-labels': idxLabels([...test.labels]),
  };
}
