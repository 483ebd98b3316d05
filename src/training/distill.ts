// A `distill` run: the student learns the teachers' aggregated soft targets (Hinton loss), best-validation kept.

import * as tf from '@tensorflow/tfjs';
import type { LabelledImages } from '../datasets/labelled-images';
import { distillationLoss } from './losses';
import { IncompatibleDataError } from './errors';
import { assertModelFitsData, runEpochs } from './loop';
import type { Objective, RunHooks, RunResult } from './run-types';
import { parseDistillSpec, type DistillSpec, type DistillSpecInput } from './spec';
import { aggregateProbabilities } from './teacher-aggregation';

function distillationObjective(spec: DistillSpec, teachers: readonly tf.LayersModel[]): Objective {
  return {
    forBatch: (batch) => {
      // Teachers run once per batch, in inference mode, outside the gradient tape.
      const teacherProbs = tf.tidy(() =>
        aggregateProbabilities(
          teachers.map((teacher) => teacher.apply(batch.xs, { training: false }) as tf.Tensor2D),
          { aggregation: spec.aggregation, weights: spec.teacherWeights, temperature: spec.temperature },
        ),
      );
      return {
        loss: (logits) =>
          distillationLoss({
            studentLogits: logits,
            teacherProbs,
            labels: batch.labels,
            temperature: spec.temperature,
            alpha: spec.alpha,
          }),
        dispose: () => teacherProbs.dispose(),
      };
    },
  };
}

/** Distils `teachers` (one model: self-distillation; several: an ensemble) into a new student. */
export async function distillModel(
  spec: DistillSpecInput,
  teachers: readonly tf.LayersModel[],
  train: LabelledImages,
  hooks: RunHooks = {},
): Promise<RunResult> {
  const parsed = parseDistillSpec(spec);
  if (teachers.length === 0) throw new IncompatibleDataError('distillation needs at least one teacher');
  if (parsed.teacherWeights && parsed.teacherWeights.length !== teachers.length) {
    throw new IncompatibleDataError(`${parsed.teacherWeights.length} teacher weights given for ${teachers.length} teachers`);
  }
  teachers.forEach((teacher, i) => assertModelFitsData(teacher, train, `teacher ${i}`));
  return runEpochs(parsed, train, distillationObjective(parsed, teachers), hooks);
}
