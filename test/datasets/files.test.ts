// The one dataset parser: files by role paired and checked, the class-count rule, and errors that name the file role.

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  DatasetFormatError,
  DecompressedTooLargeError,
  LabelOutsideClassesError,
  decompressDatasetFiles,
  parseCifar10Binary,
  parseDatasetFiles,
} from '../../src/datasets';
import { cifarBatch, idxImages, idxLabels } from '../registry/datasets-fixtures';

/** The error `parse` throws, which must be a DatasetFormatError. */
function formatError(parse: () => unknown): DatasetFormatError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(DatasetFormatError);
    return error as DatasetFormatError;
  }
  throw new Error('expected a DatasetFormatError, nothing was thrown');
}

/** Asserts the error names `role` in its message, its `role` property and its details. */
function expectRole(error: DatasetFormatError, role: string, message: RegExp | string): void {
  expect(error.message).toMatch(message);
  expect(error.role).toBe(role);
  expect(error.details.role).toBe(role);
}

const train = { 'train-images': idxImages(3, 2, 3), 'train-labels': idxLabels([0, 2, 1]) };
const test = { 'test-images': idxImages(2, 2, 3), 'test-labels': idxLabels([1, 1]) };

describe('IDX files by role', () => {
  it('pairs images with labels per split and returns the roles in canonical order', () => {
    const parsed = parseDatasetFiles('idx', { ...test, ...train });
    expect(parsed.roles).toEqual(['train-images', 'train-labels', 'test-images', 'test-labels']);
    expect(parsed.train).toMatchObject({ count: 3, height: 2, width: 3, channels: 1, numClasses: 3 });
    expect(Array.from(parsed.train.labels)).toEqual([0, 2, 1]);
    expect(parsed.train.pixels).toEqual(idxImages(3, 2, 3).slice(16));
    expect(parsed.test).toMatchObject({ count: 2, numClasses: 3 });
    expect(parseDatasetFiles('idx', train).test).toBeUndefined();
  });

  it('names the file of a malformed or mismatched split', () => {
    expectRole(formatError(() => parseDatasetFiles('idx', { ...train, 'train-images': idxImages(3, 2, 3).slice(0, -1) })), 'train-images', /^file "train-images": images file truncated/);
    expectRole(formatError(() => parseDatasetFiles('idx', { ...train, 'train-labels': idxImages(3, 1, 1) })), 'train-labels', /^file "train-labels": labels file: IDX magic number/);
    expectRole(formatError(() => parseDatasetFiles('idx', { ...train, 'train-labels': idxLabels([0, 1]) })), 'train-labels', 'file "train-labels": labels file has 2 items but images file has 3');
    expectRole(formatError(() => parseDatasetFiles('idx', { ...train, 'test-images': test['test-images'] })), 'test-labels', /^file "test-labels" is missing: the test split needs both test-images and test-labels/);
    expectRole(formatError(() => parseDatasetFiles('idx', test)), 'train-images', 'an IDX dataset needs train-images and train-labels files');
    expectRole(formatError(() => parseDatasetFiles('idx', { ...train, extra: new Uint8Array(1) })), 'extra', /^file role "extra" is not one of idx's roles: train-images, train-labels, test-images, test-labels$/);
    expectRole(
      formatError(() => parseDatasetFiles('idx', { ...train, 'test-images': idxImages(2, 3, 2), 'test-labels': idxLabels([1, 1]) })),
      'test-images',
      'file "test-images": the test split holds 3x2x1 examples but train holds 2x3x1',
    );
    expectRole(formatError(() => parseDatasetFiles('idx', { ...train, 'test-images': idxImages(0, 2, 3), 'test-labels': idxLabels([]) })), 'test-images', 'file "test-images": the test split has no examples');
  });
});

describe('the class-count rule', () => {
  it('infers the highest label + 1 when no class below it is empty in every split', () => {
    // Class 2 occurs only in the test split: still no gap.
    const files = { 'train-images': idxImages(2, 1, 1), 'train-labels': idxLabels([0, 1]), 'test-images': idxImages(1, 1, 1), 'test-labels': idxLabels([2]) };
    expect(parseDatasetFiles('idx', files).train.numClasses).toBe(3);
  });

  it('refuses an inferred count with a gap, naming the labels file that holds the highest label', () => {
    const error = formatError(() => parseDatasetFiles('idx', { ...train, ...test, 'test-labels': idxLabels([1, 200]) }));
    expect(error).toBeInstanceOf(LabelOutsideClassesError);
    expectRole(error, 'test-labels', /^file "test-labels" has label 200, but labels 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, … \(197 in all\) occur in no split$/);
    expect(error).toMatchObject({ label: 200, declaredClasses: undefined });
    expect(error.details.missingLabels).toHaveLength(197);
  });

  it('lets a declared count hold classes without examples, and refuses labels at or past it', () => {
    const gappy = { 'train-images': idxImages(2, 2, 3), 'train-labels': idxLabels([7, 3]) };
    expect(parseDatasetFiles('idx', gappy, 10).train.numClasses).toBe(10);
    const error = formatError(() => parseDatasetFiles('idx', gappy, 5));
    expect(error).toBeInstanceOf(LabelOutsideClassesError);
    expectRole(error, 'train-labels', 'file "train-labels": label 7 at index 0 is out of range (0..4)');
    expect(error).toMatchObject({ label: 7, declaredClasses: 5 });
  });

  it('gives CIFAR-10 its ten classes whatever labels occur', () => {
    expect(parseDatasetFiles('cifar10-binary', { train: cifarBatch([4]) }).train.numClasses).toBe(10);
  });
});

describe('CIFAR-10 files by role', () => {
  it('joins the train batches in role order, pixels and labels', () => {
    const parsed = parseDatasetFiles('cifar10-binary', { 'train-2': cifarBatch([5]), 'train-1': cifarBatch([3, 4]), test: cifarBatch([9]) });
    const [first, second] = [parseCifar10Binary(cifarBatch([3, 4])), parseCifar10Binary(cifarBatch([5]))];
    expect(parsed.roles).toEqual(['train-1', 'train-2', 'test']);
    expect(parsed.train.count).toBe(3);
    expect(Array.from(parsed.train.labels)).toEqual([3, 4, 5]);
    expect(parsed.train.pixels).toEqual(new Uint8Array([...first.pixels, ...second.pixels]));
  });

  it('takes a split of one file as that file parses, pixels and labels', () => {
    const parsed = parseDatasetFiles('cifar10-binary', { train: cifarBatch([3, 4]), test: cifarBatch([9]) });
    const [train, test] = [parseCifar10Binary(cifarBatch([3, 4])), parseCifar10Binary(cifarBatch([9]))];
    expect(parsed.roles).toEqual(['train', 'test']);
    expect(parsed.train).toEqual({ ...train, numClasses: 10 });
    expect(parsed.test).toEqual({ ...test, numClasses: 10 });
    expectRole(formatError(() => parseDatasetFiles('cifar10-binary', { train: cifarBatch([0, 12]) })), 'train', 'file "train": CIFAR-10 record 1 has label 12, expected 0..9');
  });

  it('parses each batch on its own, so errors name the batch and its own record index', () => {
    const files = { 'train-1': cifarBatch([0, 1]), 'train-2': cifarBatch([2, 12]) };
    expectRole(formatError(() => parseDatasetFiles('cifar10-binary', files)), 'train-2', 'file "train-2": CIFAR-10 record 1 has label 12, expected 0..9');
    expectRole(formatError(() => parseDatasetFiles('cifar10-binary', { test: cifarBatch([1]) })), 'train', /needs a train file/);
  });
});

describe('decompressing files by role', () => {
  const gzip = (bytes: Uint8Array) => new Uint8Array(gzipSync(bytes));

  it('decompresses gzip files, passes others through, and bounds all files together', async () => {
    const files = { 'train-images': gzip(new Uint8Array(600)), 'train-labels': new Uint8Array(300) };
    const decompressed = await decompressDatasetFiles(files, 900);
    expect(decompressed['train-images']).toEqual(new Uint8Array(600));
    expect(decompressed['train-labels']).toBe(files['train-labels']);

    const tooLarge = await decompressDatasetFiles({ 'train-labels': new Uint8Array(300), 'train-images': gzip(new Uint8Array(600)) }, 899).catch((e: unknown) => e);
    expect(tooLarge).toBeInstanceOf(DecompressedTooLargeError);
    expectRole(tooLarge as DatasetFormatError, 'train-images', 'file "train-images" decompresses past 899 bytes, the limit for all files together');
  });

  it('names the file whose gzip data is corrupt', async () => {
    const corrupt = await decompressDatasetFiles({ 'test-labels': gzip(idxLabels([1, 2])).slice(0, 12) }).catch((e: unknown) => e);
    expect(corrupt).toBeInstanceOf(DatasetFormatError);
    expectRole(corrupt as DatasetFormatError, 'test-labels', /^file "test-labels": gzip data is corrupt/);
  });
});
