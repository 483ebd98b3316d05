// Per-epoch learning-rate schedules (stepped once per epoch, like torch schedulers called after each epoch).

import { z } from 'zod';

export const lrScheduleSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('constant') }),
  /** CosineAnnealingLR with T_max = epochs. */
  z.object({ name: z.literal('cosine'), minLearningRate: z.number().min(0).default(0) }),
  /** StepLR: multiply by gamma every stepSize epochs. */
  z.object({ name: z.literal('step'), stepSize: z.number().int().positive(), gamma: z.number().positive().default(0.1) }),
]);
export type LrSchedule = z.infer<typeof lrScheduleSchema>;

/** Learning rate for the epoch with 0-based index `epochIndex` out of `epochs`. */
export function learningRateAt(schedule: LrSchedule, baseLearningRate: number, epochIndex: number, epochs: number): number {
  switch (schedule.name) {
    case 'constant':
      return baseLearningRate;
    case 'cosine': {
      const { minLearningRate } = schedule;
      return minLearningRate + ((baseLearningRate - minLearningRate) * (1 + Math.cos((Math.PI * epochIndex) / epochs))) / 2;
    }
    case 'step':
      return baseLearningRate * schedule.gamma ** Math.floor(epochIndex / schedule.stepSize);
  }
}
