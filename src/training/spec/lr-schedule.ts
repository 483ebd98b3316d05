// The learning-rate schedule part of a run spec; ../lr-schedule computes the rate per epoch.

import { z } from 'zod';

export const lrScheduleSchema = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('constant') }),
  /** CosineAnnealingLR with T_max = epochs. */
  z.strictObject({ name: z.literal('cosine'), minLearningRate: z.number().min(0).default(0) }),
  /** StepLR: multiply by gamma every stepSize epochs. */
  z.strictObject({ name: z.literal('step'), stepSize: z.number().int().positive(), gamma: z.number().positive().default(0.1) }),
]);
export type LrSchedule = z.infer<typeof lrScheduleSchema>;
