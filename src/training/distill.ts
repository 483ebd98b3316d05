// A `distill` run: the student learns the teachers' aggregated soft targets (Hinton loss), best-validation kept.
// Teachers either run on every batch (needed with augmentation: every epoch sees other images) or, without
// augmentation, give their logits on the training file once (computeTeacherLogits) and each batch gathers its rows.

import * as tf from '@tensorflow/tfjs';
import type { LabelledImages } from '../datasets/labelled-images';
import type { Batch } from './data/batches';
import { distillationLoss } from './losses';
import { IncompatibleDataError } from './errors';
import { assertModelFitsData, runEpochs } from './loop';
import type { Objective, RunHooks, RunResult } from './run-types';
import { parseDistillSpec, type DistillSpec, type DistillSpecInput } from './spec';
import { aggregateProbabilities } from './teacher-aggregation';
import { assertLogitsFitData, gatherLogitRows } from './teacher-logits';

/** Every teacher's logits [batch.size, classes] on a batch, in teacher order; made inside the objective's tf.tidy. */
type TeacherLogitsOfBatch = (batch: Batch) => tf.Tensor2D[];

function distillationObjective(spec: DistillSpec, teacherLogitsOf: TeacherLogitsOfBatch): Objective {
  return {
    forBatch: (batch) => {
      // Teacher outputs are made once per batch, outside the gradient tape.
      const teacherProbs = tf.tidy(() =>
        aggregateProbabilities(teacherLogitsOf(batch), {
          aggregation: spec.aggregation,
          weights: spec.teacherWeights,
          temperature: spec.temperature,
        }),
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

function parseWithTeachers(spec: DistillSpecInput, teacherCount: number): DistillSpec {
  const parsed = parseDistillSpec(spec);
  if (teacherCount === 0) throw new IncompatibleDataError('distillation needs at least one teacher');
  if (parsed.teacherWeights && parsed.teacherWeights.length !== teacherCount) {
    throw new IncompatibleDataError(`${parsed.teacherWeights.length} teacher weights given for ${teacherCount} teachers`);
  }
  return parsed;
}

/** Distils `teachers` (one model: self-distillation; several: an ensemble) into a new student, running them on every batch. */
export async function distillModel(
  spec: DistillSpecInput,
  teachers: readonly tf.LayersModel[],
  train: LabelledImages,
  hooks: RunHooks = {},
): Promise<RunResult> {
  const parsed = parseWithTeachers(spec, teachers.length);
  teachers.forEach((teacher, i) => assertModelFitsData(teacher, train, `teacher ${i}`));
  const runTeachers: TeacherLogitsOfBatch = (batch) =>
    teachers.map((teacher) => teacher.apply(batch.xs, { training: false }) as tf.Tensor2D);
  return runEpochs(parsed, train, distillationObjective(parsed, runTeachers), hooks);
}

/**
 * The same run as distillModel from each teacher's logits on the whole of `train` (computeTeacherLogits with the
 * spec's normalisation, or the cached copy): no teacher runs during training. Refuses a spec with augmentation,
 * whose batches are images the cached logits were not computed on.
 */
export async function distillModelFromLogits(
  spec: DistillSpecInput,
  teacherLogits: readonly Float32Array[],
  train: LabelledImages,
  hooks: RunHooks = {},
): Promise<RunResult> {
  const parsed = parseWithTeachers(spec, teacherLogits.length);
  if (parsed.augmentation) {
    throw new IncompatibleDataError('teacher logits are of the un-augmented training file; a run with augmentation runs its teachers on every batch');
  }
  teacherLogits.forEach((logits, i) => assertLogitsFitData(logits, train, `teacher ${i} logits`));
  const { numClasses } = train;
  const gatherRows: TeacherLogitsOfBatch = (batch) =>
    teacherLogits.map((logits) => tf.tensor2d(gatherLogitRows(logits, batch.indices, numClasses), [batch.size, numClasses]));
  return runEpochs(parsed, train, distillationObjective(parsed, gatherRows), hooks);
}
