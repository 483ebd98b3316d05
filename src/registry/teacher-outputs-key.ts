// The name of a teacher's cached outputs: one per (teacher version, dataset version, normalisation),
// the inputs that decide the logits when the training set is not augmented.
import { canonicalJson } from './canonical-json';
import { sha256Hex } from './hashing';
import type { JsonObject } from './records';

/**
 * Hex sha256 of the JSON array `[teacherVersionId, datasetId, normalization]`, object keys sorted
 * (so the key does not depend on how the spec was stored or built).
 *
 * @example await teacherOutputsKey(version.id, dataset.id, { mean: [0.5], std: [0.5] })
 */
export function teacherOutputsKey(teacherVersionId: string, datasetId: string, normalization: JsonObject): Promise<string> {
  return sha256Hex(canonicalJson([teacherVersionId, datasetId, normalization]));
}
