// A stored dataset (format + files by role) parsed into train/test LabelledImages; the roles the registry uses.

import { parseCifar10Binary } from './cifar10';
import { DatasetFormatError } from './errors';
import { assertSameCount, parseIdxImages, parseIdxLabels } from './idx';
import { assertConsistent, inferNumClasses, type LabelledImages } from './labelled-images';

export type DatasetFileFormat = 'idx' | 'cifar10-binary';

/**
 * File roles per format, in canonical order; the registry validates and stores uploads by these roles. IDX: images and labels per
 * split. CIFAR-10: `train` and/or `train-1`..`train-5` (data_batch_N.bin, joined in this order), `test`.
 */
const CIFAR_TRAIN_ROLES = ['train', 'train-1', 'train-2', 'train-3', 'train-4', 'train-5'];
export const DATASET_FILE_ROLES: Record<DatasetFileFormat, readonly string[]> = {
  idx: ['train-images', 'train-labels', 'test-images', 'test-labels'],
  'cifar10-binary': [...CIFAR_TRAIN_ROLES, 'test'],
};

export interface ParsedDataset {
  train: LabelledImages;
  test?: LabelledImages;
}

function checkRoles(format: DatasetFileFormat, files: Record<string, Uint8Array>): void {
  const unknown = Object.keys(files).filter((role) => !DATASET_FILE_ROLES[format].includes(role));
  if (unknown.length) throw new DatasetFormatError(`${format} dataset has unexpected file role(s): ${unknown.join(', ')}`);
}

function joinCifarTrain(files: Record<string, Uint8Array>): Uint8Array | undefined {
  const parts = CIFAR_TRAIN_ROLES.flatMap((role) => files[role] ?? []);
  if (parts.length <= 1) return parts[0];
  const joined = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

type Unlabelled = Omit<LabelledImages, 'numClasses'>;

function parseIdxSplit(files: Record<string, Uint8Array>, split: 'train' | 'test'): Unlabelled | undefined {
  const images = files[`${split}-images`];
  const labels = files[`${split}-labels`];
  if (!images && !labels) return undefined;
  if (!images || !labels) throw new DatasetFormatError(`${split}-images and ${split}-labels must be given together`);
  const parsedImages = parseIdxImages(images);
  const parsedLabels = parseIdxLabels(labels);
  assertSameCount(parsedImages, parsedLabels);
  return { ...parsedImages, labels: parsedLabels.labels };
}

/**
 * Parses and validates every file of a dataset. numClasses defaults to the largest label + 1 over all splits;
 * when given, every label must be below it. Train and test must have the same image shape.
 */
export function parseDatasetFiles(
  format: DatasetFileFormat,
  files: Record<string, Uint8Array>,
  numClasses?: number,
): ParsedDataset {
  checkRoles(format, files);
  const parse = (split: 'train' | 'test'): Unlabelled | undefined => {
    if (format === 'idx') return parseIdxSplit(files, split);
    const bytes = split === 'train' ? joinCifarTrain(files) : files.test;
    return bytes ? parseCifar10Binary(bytes) : undefined;
  };
  const train = parse('train');
  const test = parse('test');
  if (!train) throw new DatasetFormatError(`${format} dataset has no train split (roles: ${DATASET_FILE_ROLES[format].join(', ')})`);
  if (test && [test.height, test.width, test.channels].join() !== [train.height, train.width, train.channels].join()) {
    throw new DatasetFormatError(
      `test images are ${test.height}x${test.width}x${test.channels} but train images are ${train.height}x${train.width}x${train.channels}`,
    );
  }
  const classes =
    numClasses ?? Math.max(inferNumClasses(train.labels), test ? inferNumClasses(test.labels) : 0, format === 'cifar10-binary' ? 10 : 0);
  const withClasses = (split: Unlabelled): LabelledImages => {
    const set = { ...split, numClasses: classes };
    assertConsistent(set);
    return set;
  };
  return { train: withClasses(train), test: test && withClasses(test) };
}
