// What a node downloads to run a run: the dataset's files, the teachers (with their cached outputs),
// the init version or the evaluated members, and the checkpoint an earlier attempt left to resume from. Each
// file has an input id, which the run-scoped download route names it by.
import { NotFoundError } from './errors';
import type { DatasetStore, ModelStore, RunQueueStore, TeacherOutputsStore } from './ports';
import type { BlobRef, CheckpointRecord, DatasetRecord, JsonObject, ModelVersionRecord, RunRecord } from './records';
import { evaluateSpecOf, type SpecVersion, trainingSpecOf } from './stored-run-spec';
import { teacherOutputsKey } from './teacher-outputs';

export type InputStores = ModelStore & DatasetStore & RunQueueStore & TeacherOutputsStore;

/** Turns one input file into what the caller wants of it (a download link, or nothing while looking one up). */
export type LinkInput<D> = (inputId: string, blob: BlobRef) => Promise<D>;

export interface VersionInput<D> extends SpecVersion {
  modelJson: D;
  weights: D;
}

export interface TeacherInput<D> extends VersionInput<D> {
  weight: number | null;
  /** The cached logits on the training file: `cached` is null until some run stored them under `key`. */
  outputs: { key: string; cached: D | null };
}

export interface CheckpointInput<D> {
  checkpointId: string;
  attempt: number;
  epoch: number;
  modelJson: D;
  weights: D;
  optimizer: D | null;
  metrics: JsonObject;
}

export interface RunInputs<D> {
  dataset: {
    id: string;
    name: string;
    version: number;
    format: DatasetRecord['format'];
    classLabels: string[];
    shape: number[];
    files: (D & { role: string })[];
  };
  teachers: TeacherInput<D>[];
  init: VersionInput<D> | null;
  /** evaluate runs: every member the run scores, in the spec's order (one for a version). */
  members: VersionInput<D>[];
  /** The latest checkpoint of any earlier attempt, and the best so far (perhaps the same one). */
  resume: (CheckpointInput<D> & { best: CheckpointInput<D> }) | null;
}

/** A run's inputs, each file passed through `link`; NotFoundError when something the spec names is gone. */
export async function runInputs<D extends object>(repo: InputStores, run: RunRecord, link: LinkInput<D>): Promise<RunInputs<D>> {
  const datasetRef = run.spec.dataset as { name: string; version: number };
  const dataset = await repo.getDataset(datasetRef.name, datasetRef.version);
  if (!dataset) throw new NotFoundError(`dataset ${datasetRef.name} version ${datasetRef.version} of run ${run.id} no longer exists`, { runId: run.id });
  const files = await Promise.all(dataset.files.map(async (file) => ({ ...(await link(`dataset.${file.role}`, file)), role: file.role })));
  const datasetInput = { id: dataset.id, name: dataset.name, version: dataset.version, format: dataset.format, classLabels: dataset.classLabels, shape: dataset.shape, files };
  if (run.kind === 'evaluate') {
    const { members: refs } = evaluateSpecOf(run);
    const evaluated = await versions(repo, run, refs.map((ref) => ref.versionId));
    const members = await Promise.all(refs.map((ref, i) => versionInput(`members.${i}`, ref, evaluated[i]!, link)));
    return { dataset: datasetInput, teachers: [], init: null, members, resume: null };
  }
  const spec = trainingSpecOf(run);
  const teacherRefs = spec.teachers ?? [];
  const teacherVersions = await versions(repo, run, teacherRefs.map((teacher) => teacher.versionId));
  const teachers = await Promise.all(
    teacherRefs.map(async (ref, i) => {
      const key = await teacherOutputsKey({ teacherVersionId: ref.versionId, datasetId: dataset.id, normalization: spec.training.normalization });
      const cached = await repo.getTeacherOutputs(key);
      const input = await versionInput(`teachers.${i}`, ref, teacherVersions[i]!, link);
      return { ...input, weight: ref.weight, outputs: { key, cached: cached && (await link(`teachers.${i}.outputs`, cached.blob)) } };
    }),
  );
  const init = spec.init ? await versionInput('init', spec.init, (await versions(repo, run, [spec.init.versionId]))[0]!, link) : null;
  return { dataset: datasetInput, teachers, init, members: [], resume: await resumeInput(repo, run, link) };
}

/** The blob of one input of the run, by its id; NotFoundError when the run has no such input. */
export async function findRunInput(repo: InputStores, run: RunRecord, inputId: string): Promise<BlobRef> {
  let found: BlobRef | undefined;
  await runInputs(repo, run, async (id, blob) => {
    if (id === inputId) found = blob;
    return {};
  });
  if (!found) throw new NotFoundError(`run ${run.id} has no input "${inputId}"`, { runId: run.id, inputId });
  return found;
}

/** The versions with these ids, in that order; NotFoundError when one was deleted since the run was created. */
async function versions(repo: ModelStore, run: RunRecord, ids: string[]): Promise<ModelVersionRecord[]> {
  const found = new Map((await repo.getVersionsByIds(ids)).map((version) => [version.id, version]));
  return ids.map((id) => found.get(id) ?? missing(`version ${id} named by run ${run.id} no longer exists`, run));
}

function missing(message: string, run: RunRecord): never {
  throw new NotFoundError(message, { runId: run.id });
}

async function versionInput<D>(prefix: string, ref: SpecVersion, version: ModelVersionRecord, link: LinkInput<D>): Promise<VersionInput<D>> {
  return {
    versionId: ref.versionId,
    model: ref.model,
    version: ref.version,
    modelJson: await link(`${prefix}.model.json`, version.modelJson),
    weights: await link(`${prefix}.weights.bin`, version.weights),
  };
}

async function resumeInput<D>(repo: RunQueueStore, run: RunRecord, link: LinkInput<D>): Promise<RunInputs<D>['resume']> {
  const latest = await repo.latestCheckpoint(run.id);
  if (!latest) return null;
  const best = (await repo.bestCheckpoint(run.id)) ?? latest;
  return { ...(await checkpointInput('resume', latest, link)), best: await checkpointInput('best', best, link) };
}

async function checkpointInput<D>(prefix: string, checkpoint: CheckpointRecord, link: LinkInput<D>): Promise<CheckpointInput<D>> {
  return {
    checkpointId: checkpoint.id,
    attempt: checkpoint.attempt,
    epoch: checkpoint.epoch,
    modelJson: await link(`${prefix}.model.json`, checkpoint.modelJson),
    weights: await link(`${prefix}.weights.bin`, checkpoint.weights),
    optimizer: checkpoint.optimizer && (await link(`${prefix}.optimizer.bin`, checkpoint.optimizer)),
    metrics: checkpoint.metrics,
  };
}
