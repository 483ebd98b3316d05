// Runs as clients start them: a train, distill or evaluate request checked against the registry
// (dataset, teachers, architecture, shapes, classes, hyperparameters) and queued as the fully
// resolved spec a node will run, so a later attempt reads exactly what was validated.
import {
  ARCHITECTURES,
  InvalidSpecError,
  parseDistillSpec,
  parseTrainSpec,
  type Aggregation,
  type Architecture,
} from '../training/spec';
import { resolveEnsembleMembers } from './ensembles';
import { NotFoundError, UnprocessableError } from './errors';
import { DEFAULT_EVALUATION_SPLIT, resolveEvaluation } from './evaluations';
import { assertValidName } from './names';
import type { Clock, DatasetStore, EnsembleStore, ModelStore, Page, RunFilter, RunQueueStore } from './ports';
import type { DatasetRecord, JsonObject, ModelRecord, ModelVersionRecord, RunKind, RunRecord } from './records';
import {
  assertFitsDataset,
  type DatasetRef,
  fieldError,
  resolveDataset,
  resolveVersion,
  sameLabels,
  sameShape,
  type VersionRef,
} from './run-request-checks';
import { DEFAULT_MAX_ATTEMPTS, queueRun, type RunRequester } from './run-queueing';

export { DEFAULT_MAX_ATTEMPTS, type RunRequester } from './run-queueing';
export type { VersionRef } from './run-request-checks';

export const MAX_ATTEMPTS_LIMIT = 10;

export interface TeacherRef extends VersionRef {
  /** Relative weight in the aggregation; give every teacher one or none. */
  weight?: number;
}

/** A run request as the client sends it; which fields apply depends on `kind`. */
export interface RunRequest {
  kind: RunKind;
  dataset: DatasetRef;
  /** train, distill: the model the result is registered under (created when the run succeeds if absent). */
  model?: string;
  /** train, distill: the student's architecture. */
  architecture?: Architecture;
  /** distill: the teachers, or `ensemble` instead. */
  teachers?: TeacherRef[];
  /** distill: an ensemble's name, whose members are the teachers (with its weights and aggregation). */
  ensemble?: string;
  /** distill */
  aggregation?: Aggregation;
  /** evaluate: the version to evaluate. */
  version?: VersionRef;
  /** train, distill: start from this version's weights instead of a fresh initialisation (lineage relation `init`). */
  init?: VersionRef;
  /** train, distill: every engine setting not given above; the reference protocol fills the rest. */
  hyperparameters?: Record<string, unknown>;
  maxAttempts?: number;
}

type RunDeps = { repo: ModelStore & EnsembleStore & DatasetStore & RunQueueStore; clock: Clock };

/** Which top-level fields each kind takes: any other is refused rather than silently ignored. */
const FIELDS_BY_KIND: Record<RunKind, readonly (keyof RunRequest)[]> = {
  train: ['model', 'architecture', 'init', 'hyperparameters'],
  distill: ['model', 'architecture', 'init', 'teachers', 'ensemble', 'aggregation', 'hyperparameters'],
  evaluate: ['version'],
};
// `teachers` and `ensemble` are each optional, but a distill run needs exactly one of them (teacherSourceOf).
const OPTIONAL_FIELDS: readonly (keyof RunRequest)[] = ['hyperparameters', 'aggregation', 'init', 'teachers', 'ensemble'];
const KIND_FIELDS = [...new Set(Object.values(FIELDS_BY_KIND).flat())];

/** Spec fields the request sets at its top level (or from the teachers), not among the hyperparameters. */
const SET_AT_TOP_LEVEL = new Set(['architecture', 'aggregation', 'teacherWeights']);

/**
 * Validates `request` against the registry and queues it (attempt 0) with its resolved spec; any
 * failure is a 422 naming the field, and nothing is queued.
 */
export async function createRun(deps: RunDeps, request: RunRequest, requester: RunRequester): Promise<RunRecord> {
  assertFieldsOfKind(request);
  const maxAttempts = request.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
    throw fieldError('maxAttempts', `must be an integer from 1 to ${MAX_ATTEMPTS_LIMIT}`);
  }
  const dataset = await resolveDataset(deps.repo, request.dataset);
  if (request.kind === 'evaluate') {
    const { spec, model } = await resolveEvaluation(deps.repo, { version: request.version! }, dataset, DEFAULT_EVALUATION_SPLIT);
    return queueRun(deps, { kind: 'evaluate', spec: spec as unknown as JsonObject, model, maxAttempts }, requester);
  }
  const spec = await resolveSpec(deps.repo, request, dataset);
  return queueRun(deps, { kind: request.kind, spec, model: request.model!, maxAttempts }, requester);
}

export async function getRun(repo: RunQueueStore, id: string): Promise<RunRecord> {
  const run = await repo.getRun(id);
  if (!run) throw new NotFoundError(`run "${id}" does not exist`, { run: id });
  return run;
}

export function listRuns(repo: RunQueueStore, filter: RunFilter, page: Page): Promise<{ items: RunRecord[]; total: number }> {
  return repo.listRuns(filter, page);
}

/** A queued run is cancelled at once, a running one asked to stop; a finished one is a ConflictError naming its status. */
export function cancelRun(deps: { repo: RunQueueStore; clock: Clock }, id: string): Promise<RunRecord> {
  return deps.repo.cancelRun(id, deps.clock.now().toISOString());
}

function assertFieldsOfKind(request: RunRequest): void {
  const wanted = FIELDS_BY_KIND[request.kind];
  for (const field of KIND_FIELDS) {
    const given = request[field] !== undefined;
    if (given && !wanted.includes(field)) throw fieldError(field, `does not apply to a ${request.kind} run`);
    if (!given && wanted.includes(field) && !OPTIONAL_FIELDS.includes(field)) throw fieldError(field, `is required for a ${request.kind} run`);
  }
}

async function resolveSpec(repo: ModelStore & EnsembleStore, request: RunRequest, dataset: DatasetRecord): Promise<JsonObject> {
  const datasetRef = { id: dataset.id, name: dataset.name, version: dataset.version };
  const architecture = request.architecture!;
  assertArchitectureFits(architecture, dataset);
  await assertTargetModel(repo, request.model!, dataset);
  const hyperparameters = request.hyperparameters ?? {};
  assertNoTopLevelFields(hyperparameters);
  // Recorded only when given, so a run without one has the spec it always had.
  const init = request.init ? { init: await resolveInit(repo, request.init, dataset) } : {};
  if (request.kind === 'train') {
    const training = toFieldErrors(() => parseTrainSpec({ ...hyperparameters, architecture }));
    return { dataset: datasetRef, model: request.model!, ...init, training } as JsonObject;
  }
  const { teachers, teacherWeights, aggregation, ensemble } = await teacherSourceOf(repo, request, dataset);
  const training = toFieldErrors(() => parseDistillSpec({ ...hyperparameters, architecture, aggregation, teacherWeights }));
  return { dataset: datasetRef, model: request.model!, ...init, ...(ensemble && { ensemble }), teachers, training } as JsonObject;
}

interface TeacherSource {
  teachers: Awaited<ReturnType<typeof resolveTeachers>>;
  teacherWeights: number[] | undefined;
  aggregation: Aggregation | undefined;
  /** Recorded when the teachers are an ensemble's members. */
  ensemble?: { id: string; name: string; revision: number; aggregation: Aggregation };
}

/** A distill run's teachers: listed (`teachers`), or an ensemble's members as they resolve now (`ensemble`); exactly one. */
async function teacherSourceOf(repo: ModelStore & EnsembleStore, request: RunRequest, dataset: DatasetRecord): Promise<TeacherSource> {
  if (request.teachers && request.ensemble !== undefined) throw fieldError('ensemble', 'give teachers or an ensemble, not both');
  if (request.ensemble === undefined) {
    if (!request.teachers) throw fieldError('teachers', 'is required for a distill run (or give an ensemble)');
    const teachers = await resolveTeachers(repo, request.teachers, dataset);
    return { teachers, teacherWeights: teacherWeightsOf(request.teachers), aggregation: request.aggregation };
  }
  if (request.aggregation !== undefined) throw fieldError('aggregation', "is the ensemble's: leave it out when distilling from an ensemble");
  const ensemble = await repo.getEnsembleByName(request.ensemble);
  if (!ensemble) throw fieldError('ensemble', `ensemble "${request.ensemble}" does not exist`);
  const { aggregation } = ensemble;
  if (aggregation === 'majority-vote') throw fieldError('ensemble', `ensemble "${ensemble.name}" votes (majority-vote), which gives no soft targets to distill`);
  let members;
  try {
    members = await resolveEnsembleMembers(repo, ensemble);
  } catch (error) {
    if (error instanceof UnprocessableError) throw fieldError('ensemble', error.message);
    throw error;
  }
  for (const member of members) {
    assertFitsDataset(member.model, dataset, 'ensemble');
    // Distinct when written, but two alias members may have moved onto one version since.
    const twin = members.find((other) => other.position < member.position && other.version.id === member.version.id);
    if (twin) throw fieldError('ensemble', `members ${twin.position} and ${member.position} of ensemble "${ensemble.name}" both resolve to ${member.model.name} version ${member.version.version} now`);
  }
  return {
    teachers: members.map(({ model, version, weight }) => ({ versionId: version.id, model: model.name, version: version.version, weight })),
    teacherWeights: members.map((member) => member.weight),
    aggregation,
    ensemble: { id: ensemble.id, name: ensemble.name, revision: ensemble.revision, aggregation },
  };
}

/** The version a run starts from: existing, active, and fitting the dataset. */
async function resolveInit(repo: ModelStore, ref: VersionRef, dataset: DatasetRecord) {
  const { model, version } = await resolveVersion(repo, ref, 'init');
  if (version.status === 'archived') throw fieldError('init.version', `${model.name} version ${version.version} is archived`);
  assertFitsDataset(model, dataset, 'init.model');
  return { versionId: version.id, model: model.name, version: version.version };
}

/** The catalogue's one shape fact: the smallest input side each architecture's downsampling survives. */
function assertArchitectureFits(architecture: Architecture, dataset: DatasetRecord): void {
  const [height, width] = dataset.shape;
  const side = Math.min(height ?? 0, width ?? 0);
  const { minInputSide } = ARCHITECTURES[architecture];
  if (dataset.shape.length < 2 || side < minInputSide) {
    throw fieldError('architecture', `${architecture} needs images of at least ${minInputSide}x${minInputSide}; dataset "${dataset.name}" has shape ${JSON.stringify(dataset.shape)}`);
  }
}

/** The result's model: a valid name, and if it exists already, one the dataset's results can be registered under. */
async function assertTargetModel(repo: ModelStore & EnsembleStore, name: string, dataset: DatasetRecord): Promise<void> {
  assertValidName('model', name);
  const existing = await repo.getModelByName(name);
  if (existing) return assertFitsDataset(existing, dataset, 'model');
  // Models and ensembles share one namespace: a result could never be registered under an ensemble's name.
  if (await repo.getEnsembleByName(name)) throw fieldError('model', `"${name}" is an ensemble's name; a run registers its result under a model`);
}

/** Teachers as the spec records them: existing, active versions whose models agree with each other and the dataset. */
async function resolveTeachers(repo: ModelStore, refs: TeacherRef[], dataset: DatasetRecord) {
  const resolved: { model: ModelRecord; version: ModelVersionRecord; weight: number | null }[] = [];
  for (const [index, ref] of refs.entries()) {
    const field = `teachers[${index}]`;
    const { model, version } = await resolveVersion(repo, ref, field);
    if (version.status === 'archived') throw fieldError(`${field}.version`, `${model.name} version ${version.version} is archived`);
    if (resolved.some((other) => other.version.id === version.id)) throw fieldError(field, `${model.name} version ${version.version} is listed twice`);
    const first = resolved[0]?.model;
    if (first && !sameShape(model.inputShape, first.inputShape)) {
      throw fieldError(`${field}.model`, `input shape ${JSON.stringify(model.inputShape)} differs from teachers[0] (${JSON.stringify(first.inputShape)})`);
    }
    if (first && !sameLabels(model.classLabels, first.classLabels)) {
      throw fieldError(`${field}.model`, `class labels ${JSON.stringify(model.classLabels)} differ from teachers[0] (${JSON.stringify(first.classLabels)})`);
    }
    assertFitsDataset(model, dataset, `${field}.model`);
    resolved.push({ model, version, weight: ref.weight ?? null });
  }
  return resolved.map(({ model, version, weight }) => ({ versionId: version.id, model: model.name, version: version.version, weight }));
}

/** One weight per teacher, or undefined when none has one (equal weights); a mix is ambiguous. */
function teacherWeightsOf(refs: TeacherRef[]): number[] | undefined {
  const weighted = refs.filter((ref) => ref.weight !== undefined).length;
  if (weighted === 0) return undefined;
  const missing = refs.findIndex((ref) => ref.weight === undefined);
  if (missing >= 0) throw fieldError(`teachers[${missing}].weight`, 'give every teacher a weight, or none');
  return refs.map((ref) => ref.weight!);
}

function assertNoTopLevelFields(hyperparameters: Record<string, unknown>): void {
  for (const key of Object.keys(hyperparameters)) {
    if (SET_AT_TOP_LEVEL.has(key)) throw fieldError(`hyperparameters.${key}`, "is set at the top level of the request (teacherWeights: each teacher's weight)");
  }
}

/** The spec parser's issues as body fields: the request sets `teacherWeights` through the teachers. */
function toFieldErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof InvalidSpecError)) throw error;
    const errors = error.issues.map(({ path, message }) => ({ in: 'body', path: requestPath(path), message }));
    throw new UnprocessableError(`invalid run: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, { errors });
  }
}

function requestPath(specPath: string): string {
  const [head, index] = specPath.split('.');
  if (head === 'teacherWeights') return index === undefined ? 'teachers' : `teachers[${index}].weight`;
  if (head === 'architecture' || head === 'aggregation') return head;
  return specPath === '' ? 'hyperparameters' : `hyperparameters.${specPath}`;
}
