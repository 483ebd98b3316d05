// Reads the files of an uploaded dataset by role, checks they agree, and derives what the registry records: shape, splits, classes.
import {
  CIFAR10_CLASS_NAMES,
  DATASET_FILE_ROLES,
  DatasetFormatError,
  DecompressedTooLargeError,
  assertSameCount,
  gunzipIfNeeded,
  parseCifar10Binary,
  parseIdxImages,
  parseIdxLabels,
} from '../datasets';
import { UnprocessableError } from './errors';
import type { DatasetFormat, DatasetSplitSummary } from './records';

/** One split's examples as parsed: its shape and its labels, one array per file (CIFAR-10 splits may span batches). */
interface ParsedSplit {
  shape: number[];
  labels: Uint8Array[];
}

export interface DatasetContents {
  /** Roles in their canonical order (the order files are stored and listed in). */
  roles: string[];
  shape: number[];
  classLabels: string[];
  splits: Record<string, DatasetSplitSummary>;
}

/** The file roles each format accepts, in canonical order: the parsers' own table, so the two cannot drift. */
export { DATASET_FILE_ROLES };
/** Default class names of IDX uploads: the MNIST digits, as many as the labels need. */
const digitLabels = (count: number) => Array.from({ length: count }, (_, i) => String(i));

/**
 * A 422 whose `errors` member names the offending field, like the API's validation errors: a part
 * of the multipart upload unless `location` says the JSON body (built-in registrations).
 */
export function datasetProblem(part: string, message: string, location: 'multipart' | 'body' = 'multipart'): UnprocessableError {
  return new UnprocessableError(message, { errors: [{ in: location, path: part, message }] });
}

/** Runs a parser on one file, turning its format errors into a 422 that names the file. */
function parseFile<T>(role: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof DatasetFormatError) throw datasetProblem(role, `file "${role}": ${error.message}`);
    throw error;
  }
}

/**
 * The files with gzip-compressed ones (`train-images-idx3-ubyte.gz`, as MNIST is usually
 * downloaded) decompressed, so the store holds one format. All files together may hold at most
 * `maxTotalBytes` once decompressed: the upload limit bounds what an upload costs in memory,
 * whatever its compression ratio.
 */
export async function decompressDatasetFiles(files: Record<string, Uint8Array>, maxTotalBytes: number): Promise<Record<string, Uint8Array>> {
  const decompressed: Record<string, Uint8Array> = {};
  let total = 0;
  for (const [role, bytes] of Object.entries(files)) {
    const inflated = await gunzipIfNeeded(bytes, Math.max(0, maxTotalBytes - total)).catch((error: unknown) => {
      if (error instanceof DecompressedTooLargeError) {
        throw datasetProblem(role, `file "${role}" decompresses past the upload limit: an upload's files may hold ${maxTotalBytes} bytes in all once decompressed`);
      }
      if (error instanceof DatasetFormatError) throw datasetProblem(role, `file "${role}": ${error.message}`);
      throw error;
    });
    decompressed[role] = inflated;
    total += inflated.byteLength;
  }
  return decompressed;
}

function checkRoles(format: DatasetFormat, files: Record<string, Uint8Array>): string[] {
  const known = DATASET_FILE_ROLES[format];
  const unknown = Object.keys(files).find((role) => !known.includes(role));
  if (unknown !== undefined) {
    throw datasetProblem(unknown, `file role "${unknown}" is not one of ${format}'s roles: ${known.join(', ')}`);
  }
  return known.filter((role) => files[role] !== undefined);
}

function readIdxSplit(files: Record<string, Uint8Array>, split: string): ParsedSplit | null {
  const imagesRole = `${split}-images`;
  const labelsRole = `${split}-labels`;
  const imageBytes = files[imagesRole];
  const labelBytes = files[labelsRole];
  if (imageBytes === undefined && labelBytes === undefined) return null;
  if (imageBytes === undefined || labelBytes === undefined) {
    const missing = imageBytes === undefined ? imagesRole : labelsRole;
    throw datasetProblem(missing, `file "${missing}" is missing: the ${split} split needs both ${imagesRole} and ${labelsRole}`);
  }
  const images = parseFile(imagesRole, () => parseIdxImages(imageBytes));
  const labels = parseFile(labelsRole, () => parseIdxLabels(labelBytes));
  parseFile(labelsRole, () => assertSameCount(images, labels));
  return { shape: [images.height, images.width, images.channels], labels: [labels.labels] };
}

function readIdx(files: Record<string, Uint8Array>): Record<string, ParsedSplit> {
  const train = readIdxSplit(files, 'train');
  if (train === null) throw datasetProblem('train-images', 'an IDX dataset needs train-images and train-labels files');
  const test = readIdxSplit(files, 'test');
  return test === null ? { train } : { train, test };
}

/** CIFAR-10 batches of one split (`train`, `train-1`…) are read one by one, in role order. */
function readCifarSplit(files: Record<string, Uint8Array>, roles: string[]): ParsedSplit {
  const batches = roles.map((role) => parseFile(role, () => parseCifar10Binary(files[role] as Uint8Array)));
  return { shape: [32, 32, 3], labels: batches.map((batch) => batch.labels) };
}

function readCifar(files: Record<string, Uint8Array>, roles: string[]): Record<string, ParsedSplit> {
  const trainRoles = roles.filter((role) => role.startsWith('train'));
  if (trainRoles.length === 0) {
    throw datasetProblem('train', 'a CIFAR-10 dataset needs a train file (train, or batches train-1 … train-5)');
  }
  const train = readCifarSplit(files, trainRoles);
  return roles.includes('test') ? { train, test: readCifarSplit(files, ['test']) } : { train };
}

function assertSameShape(splits: Record<string, ParsedSplit>): number[] {
  const [first, ...others] = Object.entries(splits);
  const [, { shape }] = first as [string, ParsedSplit];
  for (const [split, parsed] of others) {
    if (parsed.shape.join('x') !== shape.join('x')) {
      throw datasetProblem(split, `the ${split} split holds ${parsed.shape.join('x')} examples but train holds ${shape.join('x')}`);
    }
  }
  return shape;
}

/** The highest label over all splits (and the split holding it), and which labels occur at all. */
function labelsUsed(splits: Record<string, ParsedSplit>): { max: { label: number; split: string }; present: Set<number> } {
  let max = { label: -1, split: 'train' };
  const present = new Set<number>();
  for (const [split, { labels }] of Object.entries(splits)) {
    for (const batch of labels) {
      for (const label of batch) {
        present.add(label);
        if (label > max.label) max = { label, split };
      }
    }
  }
  return { max, present };
}

/**
 * The digit classes 0..max of an IDX upload without class_labels. A gap below the highest label
 * is refused: it is far more often one stray byte (label 200 in a 10-class file) than classes that
 * truly have no examples, and accepting it would silently make a 201-class dataset.
 */
function inferredIdxClassLabels(used: ReturnType<typeof labelsUsed>): string[] {
  const { max, present } = used;
  const missing = Array.from({ length: max.label }, (_, label) => label).filter((label) => !present.has(label));
  if (missing.length > 0) {
    const role = `${max.split}-labels`;
    const shown = missing.length > 10 ? `${missing.slice(0, 10).join(', ')}, … (${missing.length} in all)` : missing.join(', ');
    throw datasetProblem(
      role,
      `file "${role}" has label ${max.label}, but labels ${shown} occur in no split; ` +
        'fix the labels, or send class_labels naming every class if those classes truly have no examples',
    );
  }
  return digitLabels(max.label + 1);
}

function resolveClassLabels(format: DatasetFormat, splits: Record<string, ParsedSplit>, given: string[] | undefined): string[] {
  const used = labelsUsed(splits);
  const highest = used.max;
  if (given === undefined) return format === 'cifar10-binary' ? [...CIFAR10_CLASS_NAMES] : inferredIdxClassLabels(used);
  if (given.some((label) => label.trim() === '') || new Set(given).size !== given.length) {
    throw datasetProblem('class_labels', 'class_labels must be distinct, non-empty names');
  }
  if (highest.label >= given.length) {
    throw datasetProblem('class_labels', `class_labels names ${given.length} classes but the ${highest.split} split has label ${highest.label}`);
  }
  return given;
}

function splitSummary(labels: Uint8Array[], classCount: number): DatasetSplitSummary {
  const classCounts = new Array<number>(classCount).fill(0);
  for (const batch of labels) for (const label of batch) classCounts[label] = (classCounts[label] ?? 0) + 1;
  return { count: labels.reduce((n, batch) => n + batch.length, 0), classCounts };
}

/**
 * Parses every file of a dataset upload (`files` by role) and derives its metadata. Throws
 * UnprocessableError naming the file and the problem when anything is malformed or inconsistent.
 */
export function readDatasetContents(
  format: DatasetFormat,
  files: Record<string, Uint8Array>,
  classLabels?: string[],
): DatasetContents {
  const roles = checkRoles(format, files);
  const parsed = format === 'idx' ? readIdx(files) : readCifar(files, roles);
  const empty = Object.entries(parsed).find(([, split]) => split.labels.every((batch) => batch.length === 0));
  if (empty) throw datasetProblem(empty[0], `the ${empty[0]} split has no examples`);
  const shape = assertSameShape(parsed);
  const labels = resolveClassLabels(format, parsed, classLabels);
  const splits = Object.fromEntries(Object.entries(parsed).map(([split, { labels: l }]) => [split, splitSummary(l, labels.length)]));
  return { roles, shape, classLabels: labels, splits };
}
