// Registers a preset's training data with the service: a built-in set as the server ships it, a few hundred
// of its images uploaded as IDX files, or the CIFAR-10 binary batches of a local folder (optionally fewer).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DistilleryClient } from '../../../openapi/client';
import type { components } from '../../../openapi/schema';
import { loadBuiltinDataset } from '../../datasets/builtin';
import { CIFAR10_RECORD_BYTES } from '../../datasets/cifar10';
import { toIdxImages, toIdxLabels } from '../../datasets/idx';
import type { LabelledImages } from '../../datasets/labelled-images';
import { expectData } from '../api';
import type { DatasetSource } from './presets';

export interface DatasetOptions {
  /** The dataset's name in the registry. */
  name: string;
  /** Folder of the CIFAR-10 binary batches (`cifar10-dir`). */
  dataDir?: string;
  /** At most this many training (and test) images, evenly spaced so that every class stays. */
  limit?: number;
  idempotencyKey: string;
}

/** `limit` indices spread evenly over 0..count-1 (every index when limit >= count): sets sorted by class keep every class. */
export function evenlySpaced(count: number, limit: number): number[] {
  const n = Math.min(count, limit);
  return Array.from({ length: n }, (_, i) => Math.floor((i * count) / n));
}

function subsetOf(set: LabelledImages, limit: number): { images: Uint8Array; labels: Uint8Array } {
  const imageBytes = set.height * set.width * set.channels;
  const picked = evenlySpaced(set.count, limit);
  const pixels = new Uint8Array(picked.length * imageBytes);
  picked.forEach((source, i) => pixels.set(set.pixels.subarray(source * imageBytes, (source + 1) * imageBytes), i * imageBytes));
  return {
    images: toIdxImages({ count: picked.length, height: set.height, width: set.width, pixels }),
    labels: toIdxLabels(Uint8Array.from(picked, (source) => set.labels[source] ?? 0)),
  };
}

function recordsOf(bytes: Uint8Array, limit: number): Uint8Array {
  const picked = evenlySpaced(bytes.length / CIFAR10_RECORD_BYTES, limit);
  const out = new Uint8Array(picked.length * CIFAR10_RECORD_BYTES);
  picked.forEach((record, i) => out.set(bytes.subarray(record * CIFAR10_RECORD_BYTES, (record + 1) * CIFAR10_RECORD_BYTES), i * CIFAR10_RECORD_BYTES));
  return out;
}

const CIFAR10_TRAIN_FILES = [1, 2, 3, 4, 5].map((n) => `data_batch_${n}.bin`);
const CIFAR10_TEST_FILE = 'test_batch.bin';

/** The files of a CIFAR-10 upload by role: the five batches as they are, or `limit` records of them as one `train` file. */
async function cifar10Files(dataDir: string, limit: number | undefined): Promise<Record<string, Uint8Array>> {
  const read = (file: string) =>
    readFile(join(dataDir, file)).then(
      (buffer) => new Uint8Array(buffer),
      (error: NodeJS.ErrnoException) => {
        throw new Error(`--data-dir ${dataDir}: cannot read ${file} (${error.code}); it must hold the CIFAR-10 binary batches (cifar-10-batches-bin)`);
      },
    );
  // Read together, but the error names the first missing batch in order (Promise.all would name whichever failed first).
  const settled = await Promise.allSettled(CIFAR10_TRAIN_FILES.map(read));
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  const batches = settled.map((result) => (result as PromiseFulfilledResult<Uint8Array>).value);
  const test = await read(CIFAR10_TEST_FILE);
  if (limit === undefined) return { ...Object.fromEntries(batches.map((bytes, i) => [`train-${i + 1}`, bytes])), test };
  const all = new Uint8Array(batches.reduce((size, b) => size + b.length, 0));
  batches.reduce((offset, b) => (all.set(b, offset), offset + b.length), 0);
  return { train: recordsOf(all, limit), test: recordsOf(test, limit) };
}

function uploadForm(format: 'idx' | 'cifar10-binary', name: string, files: Record<string, Uint8Array>, classLabels?: string[]): FormData {
  const form = new FormData();
  form.append('name', name);
  form.append('format', format);
  if (classLabels) form.append('class_labels', JSON.stringify(classLabels));
  for (const [role, bytes] of Object.entries(files)) form.append(role, new Blob([bytes as Uint8Array<ArrayBuffer>]), role);
  return form;
}

async function upload(client: DistilleryClient, form: FormData, idempotencyKey: string) {
  return expectData(
    client.POST('/v1/datasets', {
      headers: { 'Idempotency-Key': idempotencyKey },
      // The generated body type describes the parts; the FormData is sent as it is.
      body: form as unknown as components['schemas']['DatasetUpload'],
      bodySerializer: () => form,
    }),
  );
}

/** Registers the data and returns the version every run of the protocol names. */
export async function registerDataset(client: DistilleryClient, source: DatasetSource, options: DatasetOptions): Promise<{ name: string; version: number }> {
  const headers = { 'Idempotency-Key': options.idempotencyKey };
  if (source.kind === 'builtin') {
    const dataset = await expectData(client.POST('/v1/datasets/builtin', { headers, body: { builtin: source.builtin, name: options.name } }));
    return { name: dataset.name, version: dataset.version };
  }
  if (source.kind === 'builtin-subset') {
    const { train, test, classLabels } = await loadBuiltinDataset(source.builtin);
    const trainPart = subsetOf(train, options.limit ?? source.train);
    const testPart = subsetOf(test, options.limit ?? source.test);
    const files = { 'train-images': trainPart.images, 'train-labels': trainPart.labels, 'test-images': testPart.images, 'test-labels': testPart.labels };
    const dataset = await upload(client, uploadForm('idx', options.name, files, classLabels), options.idempotencyKey);
    return { name: dataset.name, version: dataset.version };
  }
  if (!options.dataDir) throw new Error('this preset reads CIFAR-10 from --data-dir DIR (the binary batches: data_batch_1.bin … test_batch.bin)');
  const dataset = await upload(client, uploadForm('cifar10-binary', options.name, await cifar10Files(options.dataDir, options.limit)), options.idempotencyKey);
  return { name: dataset.name, version: dataset.version };
}
