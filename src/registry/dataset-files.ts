// The registry's side of dataset files: the class-label policy, and the 422 naming the part the parser found at fault.
import {
  CIFAR10_CLASS_NAMES,
  DATASET_FILE_ROLES,
  DatasetFormatError,
  DecompressedTooLargeError,
  LabelOutsideClassesError,
  decompressDatasetFiles as decompressFiles,
  parseDatasetFiles,
  summarise,
  type LabelledImages,
} from '../datasets';
import { UnprocessableError } from './errors';
import type { DatasetFormat, DatasetSplitSummary } from './records';

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

/**
 * A parser's error as the upload's 422, in the upload's terms: the part is the file role the parser
 * named, or class_labels when they name too few classes; other errors pass through unchanged.
 */
function uploadProblem(error: unknown, classLabels: string[] | undefined): unknown {
  if (!(error instanceof DatasetFormatError) || error.role === undefined) return error;
  const role = error.role;
  if (error instanceof DecompressedTooLargeError) {
    return datasetProblem(role, `file "${role}" decompresses past the upload limit: an upload's files may hold ${error.limitBytes} bytes in all once decompressed`);
  }
  if (error instanceof LabelOutsideClassesError && classLabels !== undefined) {
    return datasetProblem('class_labels', `class_labels names ${classLabels.length} classes but file "${role}" has label ${error.label}`);
  }
  if (error instanceof LabelOutsideClassesError && error.declaredClasses === undefined) {
    return datasetProblem(role, `${error.message}; fix the labels, or send class_labels naming every class if those classes truly have no examples`);
  }
  return datasetProblem(role, error.message);
}

/**
 * The files with gzip-compressed ones decompressed, so the store holds one format. All files
 * together may hold at most `maxTotalBytes` once decompressed: the upload limit bounds what an
 * upload costs in memory, whatever its compression ratio. Throws UnprocessableError naming the file.
 */
export async function decompressDatasetFiles(files: Record<string, Uint8Array>, maxTotalBytes: number): Promise<Record<string, Uint8Array>> {
  return decompressFiles(files, maxTotalBytes).catch((error: unknown) => {
    throw uploadProblem(error, undefined);
  });
}

function splitSummary(images: LabelledImages): DatasetSplitSummary {
  return { count: images.count, classCounts: summarise(images).countsPerClass };
}

/**
 * Parses every file of a dataset upload (`files` by role) and derives its metadata. Class labels, when
 * given, must be distinct names and declare the class count (so classes without examples may exist);
 * by default CIFAR-10's names, or the digits of the classes the labels imply. Throws
 * UnprocessableError naming the file (or class_labels) and the problem when anything is malformed.
 */
export function readDatasetContents(format: DatasetFormat, files: Record<string, Uint8Array>, classLabels?: string[]): DatasetContents {
  if (classLabels !== undefined && (classLabels.some((label) => label.trim() === '') || new Set(classLabels).size !== classLabels.length)) {
    throw datasetProblem('class_labels', 'class_labels must be distinct, non-empty names');
  }
  let parsed: ReturnType<typeof parseDatasetFiles>;
  try {
    parsed = parseDatasetFiles(format, files, classLabels?.length);
  } catch (error) {
    throw uploadProblem(error, classLabels);
  }
  const { roles, train, test } = parsed;
  const labels = classLabels ?? (format === 'cifar10-binary' ? [...CIFAR10_CLASS_NAMES] : digitLabels(train.numClasses));
  return {
    roles,
    shape: [train.height, train.width, train.channels],
    classLabels: labels,
    splits: test ? { train: splitSummary(train), test: splitSummary(test) } : { train: splitSummary(train) },
  };
}
