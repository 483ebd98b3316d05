// A run's completion: a train or distill run registers its best checkpoint as the next version of
// its target model, with lineage to its teachers and init version; an evaluate run records its
// evaluation, then its headline numbers as the run's result. Exactly once: the version's id is derived from the run's and the store allows one
// version per source run, so a retried completion, or two API servers racing, find the same version.
//
// The version copies the checkpoint's bytes (model.json in memory, weights.bin streamed) to its own
// write-once keys under models/{model}/{version}/ instead of sharing the checkpoint's keys: deleting
// the version deletes its blobs, and pruning checkpoints must never take a version's files with it.
import { ConflictError, StaleLeaseError, UnprocessableError } from './errors';
import { evaluationRecordOf, type ReportedEvaluation, scoreSummary } from './evaluations';
import { sha256Hex } from './hashing';
import type { BlobStore, Clock, DatasetStore, EvaluationStore, ModelStore, NewLineageEdge, RunQueueStore } from './ports';
import type { BlobRef, CheckpointRecord, EvaluationRecord, ModelRecord, ModelVersionRecord, RunRecord } from './records';
import { type LeaseDurations, leaseUntil } from './run-assignment';
import { type TrainingRunSpec, trainingSpecOf } from './stored-run-spec';

/** The one weights file a registered version's model.json may name (what version downloads serve). */
const WEIGHTS_FILE = 'weights.bin';

export interface CompletionDeps {
  repo: ModelStore & DatasetStore & RunQueueStore & EvaluationStore;
  blobs: BlobStore;
  clock: Clock;
  leases: LeaseDurations;
}

/**
 * Completes the run held by `fencingToken` with `metrics` (and, for an evaluate run, the node's
 * `evaluation`: required there, refused elsewhere); a retry of a completion returns the run it completed.
 */
export async function completeRun(
  deps: CompletionDeps,
  run: RunRecord,
  fencingToken: number,
  metrics: Record<string, number>,
  evaluation?: ReportedEvaluation,
): Promise<RunRecord> {
  const now = () => deps.clock.now().toISOString();
  if ((run.kind === 'evaluate') !== (evaluation !== undefined)) {
    const message = run.kind === 'evaluate' ? 'an evaluate run completes with its evaluation' : `a ${run.kind} run completes without an evaluation`;
    throw new UnprocessableError(`evaluation: ${message}`, { errors: [{ in: 'body', path: 'evaluation', message }] });
  }
  const held = await renewedOrCompleted(deps, run, fencingToken);
  if (held.status === 'succeeded') return held;
  if (evaluation) {
    // First write wins: a retried completion, or another attempt's, keeps the evaluation stored first.
    const recorded = await recordEvaluation(deps.repo, evaluationRecordOf(held, evaluation, now()));
    return deps.repo.completeRun(run.id, fencingToken, { resultVersionId: null, result: { ...scoreSummary(recorded) } }, now());
  }
  const version = await registerResult(deps, held, metrics);
  return deps.repo.completeRun(run.id, fencingToken, { resultVersionId: version.id, result: version.metrics }, now());
}

/**
 * Stores the evaluation; one of an ensemble deleted since the run was created is stored without its
 * ensemble id (its name stays), as the ensemble's deletion does to the evaluations it already has.
 */
async function recordEvaluation(repo: EvaluationStore, record: EvaluationRecord): Promise<EvaluationRecord> {
  try {
    return await repo.recordEvaluation(record);
  } catch (error) {
    if (!(error instanceof UnprocessableError) || record.ensembleId === null) throw error;
    return repo.recordEvaluation({ ...record, ensembleId: null });
  }
}

/** The id of the version a run registers: a UUID (version 8, name-based) from the run id's sha256. */
export async function versionIdOfRun(runId: string): Promise<string> {
  const hex = await sha256Hex(`distillery:run-result:${runId}`);
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Proves the token still holds the run, renewing the lease so registration has it for a full lease;
 * a run this token already completed is returned as it is (a retried completion).
 */
async function renewedOrCompleted(deps: CompletionDeps, run: RunRecord, fencingToken: number): Promise<RunRecord> {
  try {
    return await deps.repo.heartbeatRun(run.id, fencingToken, leaseUntil(deps.clock, deps.leases), deps.clock.now().toISOString());
  } catch (error) {
    if (!(error instanceof StaleLeaseError)) throw error;
    const current = await deps.repo.getRun(run.id);
    if (current?.status === 'succeeded' && current.fencingToken === fencingToken) return current;
    throw error;
  }
}

async function registerResult(deps: CompletionDeps, run: RunRecord, metrics: Record<string, number>): Promise<ModelVersionRecord> {
  const versionId = await versionIdOfRun(run.id);
  const [registered] = await deps.repo.getVersionsByIds([versionId]);
  if (registered) return registered;
  const checkpoint = (await deps.repo.bestCheckpoint(run.id)) ?? (await deps.repo.latestCheckpoint(run.id));
  if (!checkpoint) throw new UnprocessableError(`run ${run.id} has no checkpoint to register: record one first`, { runId: run.id });
  const spec = trainingSpecOf(run);
  const model = await targetModel(deps, run, spec);
  const parents = await lineageOf(deps.repo, run, spec);
  const artifact = await copyArtifact(deps.blobs, checkpoint, `models/${model.id}/${versionId}/`);
  try {
    return await deps.repo.createVersion({
      id: versionId,
      modelId: model.id,
      description: '',
      ...artifact,
      params: { ...spec.training, dataset: spec.dataset },
      metrics,
      tags: {},
      sourceRunId: run.id,
      createdAt: deps.clock.now().toISOString(),
      parents,
    });
  } catch (error) {
    // Another server registered it meanwhile (same id, same blobs): that version is the result.
    if (!(error instanceof ConflictError)) throw error;
    const [raced] = await deps.repo.getVersionsByIds([versionId]);
    if (!raced) throw error;
    return raced;
  }
}

/** The model the result goes under, created from the dataset's shape and classes when absent. */
async function targetModel(deps: CompletionDeps, run: RunRecord, spec: TrainingRunSpec): Promise<ModelRecord> {
  const existing = await deps.repo.getModelByName(spec.model);
  if (existing) return existing;
  const dataset = await deps.repo.getDataset(spec.dataset.name, spec.dataset.version);
  if (!dataset) throw new UnprocessableError(`dataset ${spec.dataset.name} version ${spec.dataset.version} of run ${run.id} no longer exists`, { runId: run.id });
  try {
    return await deps.repo.createModel({
      id: crypto.randomUUID(),
      name: spec.model,
      task: 'image-classification',
      inputShape: dataset.shape,
      classLabels: dataset.classLabels,
      description: '',
      tags: {},
      createdAt: deps.clock.now().toISOString(),
    });
  } catch (error) {
    const created = error instanceof ConflictError ? await deps.repo.getModelByName(spec.model) : null;
    if (created) return created;
    // An ensemble took the name after the run was queued: the result has nowhere to go.
    if (error instanceof ConflictError) throw new UnprocessableError(`run ${run.id} cannot register its result: "${spec.model}" is now an ensemble's name`, { runId: run.id, model: spec.model });
    throw error;
  }
}

/**
 * An edge to every teacher (weights normalised to sum 1; `self-distillation` when the only teacher
 * records the student's architecture in its params, else `knowledge-distillation`) and to the init
 * version. An ensemble's members are `ensemble-member` edges naming the ensemble and its revision.
 */
async function lineageOf(repo: ModelStore, run: RunRecord, spec: TrainingRunSpec): Promise<NewLineageEdge[]> {
  const provenance = { runId: run.id, datasetId: spec.dataset.id };
  const teachers = spec.teachers ?? [];
  const weights = normalisedWeights(teachers.map((teacher) => teacher.weight));
  const teacherVersions = await repo.getVersionsByIds(teachers.map((teacher) => teacher.versionId));
  const [only] = teacherVersions;
  const { ensemble } = spec;
  const selfDistilled = !ensemble && teachers.length === 1 && only?.params.architecture === spec.training.architecture;
  const method = selfDistilled ? 'self-distillation' : 'knowledge-distillation';
  const { temperature, alpha, aggregation } = spec.training;
  const edges: NewLineageEdge[] = teachers.map((teacher, i) => ({
    parentVersionId: teacher.versionId,
    relation: ensemble ? 'ensemble-member' : 'teacher',
    weight: weights[i]!,
    method,
    params: { temperature, alpha, aggregation, ...(ensemble && { ensemble: ensemble.name, revision: ensemble.revision }) },
    ...provenance,
  }));
  if (spec.init) edges.push({ parentVersionId: spec.init.versionId, relation: 'init', weight: null, method: null, params: {}, ...provenance });
  return edges;
}

/** Weights summing to 1: as given, or equal when none (or only zeros) were given. */
function normalisedWeights(given: (number | null)[]): number[] {
  const total = given.reduce<number>((sum, weight) => sum + (weight ?? 0), 0);
  if (total <= 0) return given.map(() => 1 / given.length);
  return given.map((weight) => (weight ?? 0) / total);
}

/** Copies the checkpoint's model.json (checked to name one `weights.bin`) and streams its weights to the version's keys. */
async function copyArtifact(blobs: BlobStore, checkpoint: CheckpointRecord, prefix: string): Promise<{ modelJson: BlobRef; weights: BlobRef }> {
  const modelJsonBytes = await blobs.getBytes(checkpoint.modelJson);
  assertNamesOneWeightsFile(modelJsonBytes, checkpoint);
  const modelJson = await blobs.put(`${prefix}model.json`, modelJsonBytes, { contentType: 'application/json' });
  const weights = await blobs.put(`${prefix}${WEIGHTS_FILE}`, await blobs.getStream(checkpoint.weights), { contentType: 'application/octet-stream' });
  return { modelJson, weights };
}

function assertNamesOneWeightsFile(bytes: Uint8Array, checkpoint: CheckpointRecord): void {
  let paths: unknown[] = [];
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { weightsManifest?: { paths?: unknown[] }[] };
    paths = (parsed.weightsManifest ?? []).flatMap((group) => group.paths ?? []);
  } catch {
    // reported below
  }
  if (paths.length !== 1 || paths[0] !== WEIGHTS_FILE) {
    throw new UnprocessableError(`checkpoint ${checkpoint.id}'s model.json must be a Layers model naming one weights file, ${WEIGHTS_FILE}`, { checkpointId: checkpoint.id });
  }
}
