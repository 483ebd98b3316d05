// Run specifications for train and distill runs: plain serialisable objects, defaults = the reference protocol.
// Pure zod: the API and the Worker validate run requests with it without loading tfjs. Objects are
// strict at every depth: a misspelt setting (`optimizer.lr`) is refused, never replaced by its default.

import { z } from 'zod';
import { InvalidSpecError } from '../errors';
import { AGGREGATIONS } from './aggregations';
import { ARCHITECTURE_NAMES } from './architectures';
import { DEFAULT_NORMALIZATION, DEFAULT_SPLIT_SEED, DEFAULT_VALIDATION_FRACTION, normalizationSchema } from './data';
import { lrScheduleSchema } from './lr-schedule';
import { optimizerSpecSchema } from './optimizer';

export const trainSpecSchema = z.strictObject({
  architecture: z.enum(ARCHITECTURE_NAMES),
  /** Fixes initial weights, shuffling and augmentation: same seed, same backend, same data -> same weights. */
  seed: z.number().int().min(0).max(0xffffffff).default(0),
  epochs: z.number().int().positive().max(10_000).default(10),
  batchSize: z.number().int().positive().max(65_536).default(128),
  optimizer: optimizerSpecSchema.prefault({}),
  lrSchedule: lrScheduleSchema.default({ name: 'constant' }),
  /** Random crop with 4-pixel zero padding + horizontal flip. Off in the reference protocol. */
  augmentation: z.boolean().default(false),
  normalization: normalizationSchema.default(DEFAULT_NORMALIZATION),
  validationFraction: z.number().gt(0).lt(1).default(DEFAULT_VALIDATION_FRACTION),
  splitSeed: z.number().int().min(0).max(0xffffffff).default(DEFAULT_SPLIT_SEED),
});
export type TrainSpec = z.infer<typeof trainSpecSchema>;
export type TrainSpecInput = z.input<typeof trainSpecSchema>;

export const distillSpecSchema = trainSpecSchema
  .extend({
    temperature: z.number().positive().default(1),
    /** Weight of the hard-label cross-entropy; 0 in the reference protocol. */
    alpha: z.number().min(0).max(1).default(0),
    aggregation: z.enum(AGGREGATIONS).default('mean-probabilities'),
    /** One weight per teacher, normalised to sum 1; equal weights when absent. */
    teacherWeights: z.array(z.number().min(0)).min(1).optional(),
  })
  .refine((spec) => spec.aggregation !== 'weighted' || spec.teacherWeights !== undefined, {
    message: "aggregation 'weighted' needs teacherWeights",
    path: ['teacherWeights'],
  });
export type DistillSpec = z.infer<typeof distillSpecSchema>;
export type DistillSpecInput = z.input<typeof distillSpecSchema>;

function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new InvalidSpecError(result.error.issues.flatMap(specIssues));
  }
  return result.data;
}

/** One issue per offending field: an unknown key is named by its own path, not its parent's. */
function specIssues(issue: z.core.$ZodIssue): { path: string; message: string }[] {
  if (issue.code !== 'unrecognized_keys') return [{ path: issue.path.join('.'), message: issue.message }];
  return issue.keys.map((key) => ({ path: [...issue.path, key].join('.'), message: 'is not a setting of this run kind' }));
}

export const parseTrainSpec = (input: unknown): TrainSpec => parseWith(trainSpecSchema, input);
export const parseDistillSpec = (input: unknown): DistillSpec => parseWith(distillSpecSchema, input);
