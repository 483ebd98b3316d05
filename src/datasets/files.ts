// A dataset's files by role (format + bytes) parsed into train/test LabelledImages: the one parser of uploads, built-ins and training.

import { CIFAR10_CLASS_NAMES, CIFAR10_RECORD_BYTES, parseCifar10Binary } from './cifar10';
import { classCount, type LabelFile } from './class-count';
import { DatasetFormatError, inDatasetFile } from './errors';
import { assertSameCount, parseIdxImages, parseIdxLabels } from './idx';
import type { LabelledImages } from './labelled-images';

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
  /** The roles given, in canonical order (the order the registry stores and lists files in). */
  roles: string[];
  train: LabelledImages;
  test?: LabelledImages;
}

type Split = 'train' | 'test';
type Unlabelled = Omit<LabelledImages, 'numClasses'>;

/** One split as parsed: its images, the role that names it in errors, and its labels file by file (CIFAR-10 splits may span batches). */
interface ParsedSplit {
  images: Unlabelled;
  role: string;
  labelFiles: LabelFile[];
}

/** Runs a parser on one file, naming the file's role in its errors. */
function inFile<T>(role: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw error instanceof DatasetFormatError ? inDatasetFile(error, role) : error;
  }
}

function presentRoles(format: DatasetFileFormat, files: Record<string, Uint8Array>): string[] {
  const known = DATASET_FILE_ROLES[format];
  const unknown = Object.keys(files).find((role) => !known.includes(role));
  if (unknown !== undefined) {
    throw new DatasetFormatError(`file role "${unknown}" is not one of ${format}'s roles: ${known.join(', ')}`, { role: unknown });
  }
  return known.filter((role) => files[role] !== undefined);
}

function parseIdxSplit(files: Record<string, Uint8Array>, split: Split): ParsedSplit | undefined {
  const imagesRole = `${split}-images`;
  const labelsRole = `${split}-labels`;
  const imageBytes = files[imagesRole];
  const labelBytes = files[labelsRole];
  if (imageBytes === undefined && labelBytes === undefined) return undefined;
  if (imageBytes === undefined || labelBytes === undefined) {
    const missing = imageBytes === undefined ? imagesRole : labelsRole;
    throw new DatasetFormatError(`file "${missing}" is missing: the ${split} split needs both ${imagesRole} and ${labelsRole}`, { role: missing });
  }
  const images = inFile(imagesRole, () => parseIdxImages(imageBytes));
  const labels = inFile(labelsRole, () => parseIdxLabels(labelBytes));
  inFile(labelsRole, () => assertSameCount(images, labels));
  return { images: { ...images, labels: labels.labels }, role: imagesRole, labelFiles: [{ role: labelsRole, labels: labels.labels }] };
}

/**
 * The CIFAR-10 batches of one split, parsed one by one (so errors name the batch and count records
 * within it) and joined in role order into one buffer, so at most one batch's copy is alive at once.
 * A split of one file is that file's parse as it is: copying it would double its memory (150 MB for
 * the whole train set in one file).
 */
function parseCifarSplit(files: Record<string, Uint8Array>, roles: string[]): ParsedSplit | undefined {
  if (roles.length === 0) return undefined;
  if (roles.length === 1) {
    const role = roles[0] as string;
    const batch = inFile(role, () => parseCifar10Binary(files[role] as Uint8Array));
    return { images: batch, role, labelFiles: [{ role, labels: batch.labels }] };
  }
  const recordsIn = (role: string) => Math.floor((files[role] as Uint8Array).length / CIFAR10_RECORD_BYTES);
  const count = roles.reduce((n, role) => n + recordsIn(role), 0);
  const pixels = new Uint8Array(count * (CIFAR10_RECORD_BYTES - 1));
  const labels = new Uint8Array(count);
  const labelFiles: LabelFile[] = [];
  let filled = 0;
  for (const role of roles) {
    const batch = inFile(role, () => parseCifar10Binary(files[role] as Uint8Array));
    pixels.set(batch.pixels, filled * (CIFAR10_RECORD_BYTES - 1));
    labels.set(batch.labels, filled);
    labelFiles.push({ role, labels: batch.labels });
    filled += batch.count;
  }
  return { images: { count, height: 32, width: 32, channels: 3, pixels, labels }, role: roles[0] as string, labelFiles };
}

function parseSplit(format: DatasetFileFormat, files: Record<string, Uint8Array>, roles: string[], split: Split): ParsedSplit | undefined {
  if (format === 'idx') return parseIdxSplit(files, split);
  return parseCifarSplit(files, roles.filter((role) => (split === 'test' ? role === 'test' : CIFAR_TRAIN_ROLES.includes(role))));
}

const NO_TRAIN_SPLIT: Record<DatasetFileFormat, { role: string; message: string }> = {
  idx: { role: 'train-images', message: 'an IDX dataset needs train-images and train-labels files' },
  'cifar10-binary': { role: 'train', message: 'a CIFAR-10 dataset needs a train file (train, or batches train-1 … train-5)' },
};

function checkSplits(format: DatasetFileFormat, train: ParsedSplit | undefined, test: ParsedSplit | undefined): asserts train is ParsedSplit {
  if (train === undefined) {
    const { role, message } = NO_TRAIN_SPLIT[format];
    throw new DatasetFormatError(message, { role });
  }
  for (const [split, parsed] of [['train', train], ['test', test]] as const) {
    if (parsed?.images.count === 0) throw new DatasetFormatError(`file "${parsed.role}": the ${split} split has no examples`, { role: parsed.role });
  }
  const shape = (images: Unlabelled) => [images.height, images.width, images.channels].join('x');
  if (test !== undefined && shape(test.images) !== shape(train.images)) {
    throw new DatasetFormatError(`file "${test.role}": the test split holds ${shape(test.images)} examples but train holds ${shape(train.images)}`, {
      role: test.role,
    });
  }
}

/**
 * Parses and checks every file of a dataset (`files` by role, decompressed): the roles belong to the
 * format, each split's files are complete and agree, train and test have one image shape, and the
 * labels fit the classes (see classCount: `declaredClasses` bounds them, else the count is inferred
 * with no gaps; CIFAR-10 always declares its 10). Throws DatasetFormatError naming the file role.
 * @example parseDatasetFiles('idx', { 'train-images': images, 'train-labels': labels }).train.numClasses
 */
export function parseDatasetFiles(format: DatasetFileFormat, files: Record<string, Uint8Array>, declaredClasses?: number): ParsedDataset {
  const roles = presentRoles(format, files);
  const train = parseSplit(format, files, roles, 'train');
  const test = parseSplit(format, files, roles, 'test');
  checkSplits(format, train, test);
  const declared = declaredClasses ?? (format === 'cifar10-binary' ? CIFAR10_CLASS_NAMES.length : undefined);
  const numClasses = classCount([...train.labelFiles, ...(test?.labelFiles ?? [])], declared);
  return { roles, train: { ...train.images, numClasses }, ...(test && { test: { ...test.images, numClasses } }) };
}
