// Teacher logits on a whole training file, computed once and reused: every batch of every epoch (and later runs
// with the same teacher, dataset and normalisation) gathers its rows instead of running the teachers again.

import type * as tf from '@tensorflow/tfjs';
import type { LabelledImages } from '../datasets/labelled-images';
import { IncompatibleDataError } from './errors';
import { predictLogits } from './evaluate';
import { assertModelFitsData } from './loop';
import type { Normalization } from './spec/data';

export interface TeacherLogitsOptions {
  normalization: Normalization;
  /** Examples per forward pass; only speed and memory depend on it. */
  batchSize?: number;
}

/**
 * A model's logits on every example of `set` in inference mode, float32 examples x classes in the set's order:
 * the bytes the API caches per (teacher version, dataset version, normalisation).
 * @example const logits = await computeTeacherLogits(teacher, parsed.train, { normalization: spec.normalization });
 */
export async function computeTeacherLogits(model: tf.LayersModel, set: LabelledImages, options: TeacherLogitsOptions): Promise<Float32Array> {
  assertModelFitsData(model, set, 'teacher');
  return predictLogits(model, set, options);
}

/** Throws IncompatibleDataError unless `logits` holds one row of set.numClasses values per example of `set`. */
export function assertLogitsFitData(logits: Float32Array, set: LabelledImages, role = 'teacher logits'): void {
  const expected = set.count * set.numClasses;
  if (logits.length !== expected) {
    throw new IncompatibleDataError(
      `${role} hold ${logits.length} values; the training file needs ${set.count} examples x ${set.numClasses} classes = ${expected}`,
    );
  }
}

/** Rows `indices` of row-major `logits` [examples, numClasses], as one row-major [indices.length, numClasses] array. */
export function gatherLogitRows(logits: Float32Array, indices: Uint32Array, numClasses: number): Float32Array {
  const out = new Float32Array(indices.length * numClasses);
  indices.forEach((example, row) => out.set(logits.subarray(example * numClasses, (example + 1) * numClasses), row * numClasses));
  return out;
}
