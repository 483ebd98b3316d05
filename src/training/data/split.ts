// The fixed train/validation split of a training set: a seeded shuffle of indices, the same for every run.

import { seededPermutation } from '../random';
import { DEFAULT_SPLIT_SEED, DEFAULT_VALIDATION_FRACTION } from '../spec/data';

export interface TrainValidationSplit {
  train: Uint32Array;
  validation: Uint32Array;
}

/**
 * Shuffles 0..count-1 with splitSeed, takes floor(count * validationFraction) indices for validation
 * (like torch random_split with fractions) and the rest for training; both keep the shuffled order.
 */
export function splitTrainValidation(
  count: number,
  validationFraction = DEFAULT_VALIDATION_FRACTION,
  splitSeed = DEFAULT_SPLIT_SEED,
): TrainValidationSplit {
  const order = seededPermutation(count, splitSeed);
  const validationCount = Math.floor(count * validationFraction);
  const trainCount = count - validationCount;
  return { train: order.slice(0, trainCount), validation: order.slice(trainCount) };
}
