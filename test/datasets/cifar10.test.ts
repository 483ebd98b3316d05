// CIFAR-10 binary parser: records written byte by byte, CHW -> HWC, malformed lengths and labels.

import { describe, expect, it } from 'vitest';
import { CIFAR10_CLASS_NAMES, parseCifar10Binary, parseDatasetFiles, summarise, toCifar10Binary } from '../../src/datasets';

/** A record whose channel c, pixel p holds (c * 100 + p) % 256. */
function record(label: number): number[] {
  const body: number[] = [];
  for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) body.push((c * 100 + p) % 256);
  return [label, ...body];
}

describe('CIFAR-10 binary', () => {
  it('parses labels and converts CHW to HWC', () => {
    const bytes = new Uint8Array([...record(3), ...record(9)]);
    const set = parseCifar10Binary(bytes);
    expect(set).toMatchObject({ count: 2, height: 32, width: 32, channels: 3, numClasses: 10 });
    expect(Array.from(set.labels)).toEqual([3, 9]);
    // pixel p = 5 (row 0, col 5): channels R,G,B = 5, 105, 205
    expect(Array.from(set.pixels.slice(15, 18))).toEqual([5, 105, 205]);
    // second image, pixel 1023 (row 31, col 31)
    const last = 3072 + 1023 * 3;
    expect(Array.from(set.pixels.slice(last, last + 3))).toEqual([1023 % 256, 1123 % 256, 1223 % 256]);
    expect(toCifar10Binary(set)).toEqual(bytes);
    expect(summarise(set).countsPerClass).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
  });

  it('rejects a length that is not a multiple of 3073', () => {
    const bytes = new Uint8Array([...record(1), 0]);
    expect(() => parseCifar10Binary(bytes)).toThrow(/length 3074 is not a positive multiple of the 3073-byte/);
    expect(() => parseCifar10Binary(new Uint8Array(0))).toThrow(/length 0/);
  });

  it('rejects a label of 10 or more', () => {
    const bytes = new Uint8Array([...record(1), ...record(10)]);
    expect(() => parseCifar10Binary(bytes)).toThrow('CIFAR-10 record 1 has label 10, expected 0..9');
  });

  it('names the ten classes', () => {
    expect(CIFAR10_CLASS_NAMES).toHaveLength(10);
    expect(CIFAR10_CLASS_NAMES[0]).toBe('airplane');
  });
});

describe('CIFAR-10 dataset files', () => {
  it('joins train batches in role order, with 10 classes even when labels use fewer', () => {
    const parsed = parseDatasetFiles('cifar10-binary', {
      'train-2': new Uint8Array(record(2)),
      'train-1': new Uint8Array([...record(0), ...record(1)]),
      test: new Uint8Array(record(1)),
    });
    expect(Array.from(parsed.train.labels)).toEqual([0, 1, 2]);
    expect(parsed.train.numClasses).toBe(10);
    expect(parsed.test?.count).toBe(1);
    expect(() => parseDatasetFiles('cifar10-binary', { 'train-6': new Uint8Array(record(1)) })).toThrow(/file role "train-6" is not one of cifar10-binary's roles/);
  });
});
