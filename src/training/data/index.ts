// Data pipeline: fixed validation split, normalisation, seeded augmentation and bounded-memory batches.

export { splitTrainValidation, type TrainValidationSplit } from './split';
export { DEFAULT_SPLIT_SEED, DEFAULT_VALIDATION_FRACTION, DEFAULT_NORMALIZATION, type Normalization } from '../spec/data';
export { normalizationTables } from './normalization';
export { CROP_PADDING, cropFlipInto, drawCropFlip, type CropFlip } from './augmentation';
export { imageBatches, batchCount, allIndices, type Batch, type BatchOptions } from './batches';
