// Per-epoch learning-rate schedules (stepped once per epoch, like torch schedulers called after each epoch).

import type { LrSchedule } from './spec/lr-schedule';

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
