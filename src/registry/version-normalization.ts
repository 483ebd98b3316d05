// The input normalisation a version expects: what its training run used (recorded in its params), else the
// reference protocol's. Serving feeds images through it and evaluation scores datasets with it.
import { DEFAULT_NORMALIZATION, normalizationSchema } from '../training/spec';
import type { InputNormalization } from './ports';
import type { ModelVersionRecord } from './records';

/**
 * `params.normalization` as a run registers it (`{ mean, std }`, one value or one per channel), when valid;
 * otherwise the reference protocol's mean 0.5, std 0.5. An uploaded version can declare its own the same way.
 */
export function normalizationOf(version: Pick<ModelVersionRecord, 'params'>): InputNormalization {
  const declared = normalizationSchema.safeParse(version.params.normalization);
  return declared.success ? declared.data : DEFAULT_NORMALIZATION;
}
