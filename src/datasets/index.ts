// Dataset formats without tfjs or Node imports (safe for Workers); built-ins live in ./builtin (Node only).

export { DatasetFormatError, DecompressedTooLargeError, LabelOutsideClassesError } from './errors';
export { isGzip, gunzipIfNeeded, decompressDatasetFiles } from './gzip';
export {
  parseIdxImages,
  parseIdxLabels,
  assertSameCount,
  toIdxImages,
  toIdxLabels,
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  type IdxImages,
  type IdxLabels,
} from './idx';
export {
  parseCifar10Binary,
  toCifar10Binary,
  CIFAR10_CLASS_NAMES,
  CIFAR10_RECORD_BYTES,
  type Cifar10Images,
} from './cifar10';
export { summarise, type LabelledImages, type DatasetSummary } from './labelled-images';
export { parseDatasetFiles, DATASET_FILE_ROLES, type DatasetFileFormat, type ParsedDataset } from './files';
