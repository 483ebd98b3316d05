// The data part of a run spec: input normalisation and the fixed train/validation split, with the reference protocol's defaults.

import { z } from 'zod';

export const normalizationSchema = z.strictObject({
  /** One value for every channel, or one per channel. */
  mean: z.array(z.number()).min(1),
  std: z.array(z.number().positive()).min(1),
});
/** Per-channel (x/255 - mean)/std; one-element mean/std apply to every channel. */
export type Normalization = z.infer<typeof normalizationSchema>;

/** Reference protocol: mean 0.5, std 0.5 for every channel, i.e. inputs in [-1, 1]. */
export const DEFAULT_NORMALIZATION: Normalization = { mean: [0.5], std: [0.5] };

/** The reference protocol: 10 % of the train set held out for validation, split seed 42. */
export const DEFAULT_VALIDATION_FRACTION = 0.1;
export const DEFAULT_SPLIT_SEED = 42;
