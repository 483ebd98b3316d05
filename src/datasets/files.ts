// A stored dataset (format + files by role) parsed into train/test LabelledImages; the roles the registry uses.

import { parseCifar10Binary } from './cifar10';
import { DatasetFormatError } from './errors';
import { assertSameCount, parseIdxImages, parseIdxLabels } from './idx';
import { assertConsistent, inferNumClasses, type LabelledImages } from './labelled-images';

export type DatasetFileFormat = 'idx' | 'cifar10-binary';

/**
 * File roles per format. IDX: images and labels per split. CIFAR-10: one file per split holding the concatenated
 * binary batches (data_batch_1..5.bin for train, test_batch.bin for test).
 */
export const DATASET_FILE_ROLES = {
  idx: { required: ['train-images', 'train-labels'], optional: ['test-images', 'test-labels'] },
  'cifar10-binary': { required: ['train'], optional: ['test'] },
} as const satisfies Record<DatasetFileFormat, { required: readonly string[]; optional: readonly string[] }>;

export interface ParsedDataset {
  train: LabelledImages;
  test?: LabelledImages;
}

function checkRoles(format: DatasetFileFormat, files: Record<string, Uint8Array>): void {
  const { required, optional } = DATASET_FILE_ROLES[format];
  const known = new Set<string>([...required, ...optional]);
  const missing = required.filter((role) => !files[role]);
  if (missing.length) throw new DatasetFormatError(`${format} dataset is missing file(s): ${missing.join(', ')}`);
  const unknown = Object.keys(files).filter((role) => !known.has(role));
  if (unknown.length) throw new DatasetFormatError(`${format} dataset has unexpected file role(s): ${unknown.join(', ')}`);
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
    const bytes = files[split];
    return bytes ? parseCifar10Binary(bytes) : undefined;
  };
  const train = parse('train');
  const test = parse('test');
  if (!train) throw new DatasetFormatError('the dataset has no train split');
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
