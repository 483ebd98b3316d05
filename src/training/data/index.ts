// Data pipeline: fixed validation split, normalisation, seeded augmentation and bounded-memory batches.

export { splitTrainValidation, DEFAULT_SPLIT_SEED, DEFAULT_VALIDATION_FRACTION, type TrainValidationSplit } from './split';
export { DEFAULT_NORMALIZATION, normalizationTables, type Normalization } from './normalization';
export { CROP_PADDING, cropFlipInto, drawCropFlip, type CropFlip } from './augmentation';
export { imageBatches, batchCount, allIndices, type Batch, type BatchOptions } from './batches';
