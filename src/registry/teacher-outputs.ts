// Teacher outputs: a teacher's logits on a dataset version's training file under one normalisation,
// named by a key both the API and nodes compute, stored once and reused by every later distill run.
import { UnprocessableError } from './errors';
import { sha256Hex } from './hashing';
import type { TeacherOutputsRecord, TeacherOutputsStore } from './ports';
import type { BlobRef, JsonObject, RunRecord } from './records';
import { trainingSpecOf } from './stored-run-spec';

export interface TeacherOutputsSubject {
  teacherVersionId: string;
  datasetId: string;
  normalization: { mean: number[]; std: number[] };
}

/** The hex sha256 naming the outputs of (teacher version, dataset version, normalisation). */
export function teacherOutputsKey(subject: TeacherOutputsSubject): Promise<string> {
  const { teacherVersionId, datasetId, normalization } = subject;
  return sha256Hex(JSON.stringify([teacherVersionId, datasetId, normalization.mean, normalization.std]));
}

/** Where the outputs' bytes are stored. */
export const teacherOutputsBlobKey = (key: string) => `teacher-outputs/${key}`;

/** The teacher of `run` whose outputs `key` names; UnprocessableError when none of its teachers has that key. */
export async function teacherOutputsOfRun(run: RunRecord, key: string): Promise<TeacherOutputsSubject> {
  // Train and evaluate specs have no `teachers`: nothing of theirs is read then.
  const spec = trainingSpecOf(run);
  for (const teacher of spec.teachers ?? []) {
    const subject = { teacherVersionId: teacher.versionId, datasetId: spec.dataset.id, normalization: spec.training.normalization };
    if ((await teacherOutputsKey(subject)) === key) return subject;
  }
  throw new UnprocessableError(`run ${run.id} has no teacher whose outputs key is ${key}`, { run: run.id, key });
}

/** Records the outputs stored as `blob` unless some are already recorded under the key; returns the stored record. */
export function recordTeacherOutputs(
  repo: TeacherOutputsStore,
  key: string,
  subject: TeacherOutputsSubject,
  blob: BlobRef,
  createdAt: string,
): Promise<TeacherOutputsRecord> {
  return repo.recordTeacherOutputs({ key, ...subject, normalization: subject.normalization as JsonObject, blob, createdAt });
}
