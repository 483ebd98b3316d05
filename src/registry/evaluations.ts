// Evaluations: a version (by number or alias) or an ensemble scored on a dataset split by an
// `evaluate` run. Creating one resolves the target into the members the run scores (each with its
// weight and input normalisation) and queues the run; the run's completion stores the report.
import { resolveEnsembleMembers } from './ensembles';
import { NotFoundError, UnprocessableError } from './errors';
import type { Clock, DatasetStore, EnsembleStore, EvaluationFilter, EvaluationStore, ModelStore, Page, RunQueueStore } from './ports';
import type { DatasetRecord, EvaluationRecord, EvaluationSplit, JsonObject, RunRecord } from './records';
import { assertFitsDataset, type DatasetRef, fieldError, resolveDataset, resolveVersion, type VersionRef } from './run-request-checks';
import { DEFAULT_MAX_ATTEMPTS, queueRun, type RunRequester } from './run-queueing';
import { type EvaluateRunSpec, evaluateSpecOf, type SpecMember } from './stored-run-spec';
import { normalizationOf } from './version-normalization';
import { findVersion } from './version-refs';

export const DEFAULT_EVALUATION_SPLIT: EvaluationSplit = 'test';

/** What is evaluated: exactly one of a version and an ensemble. */
export interface EvaluationTarget {
  version?: VersionRef;
  ensemble?: string;
}

export interface EvaluationRequest extends EvaluationTarget {
  dataset: DatasetRef;
  split?: EvaluationSplit;
}

type EvaluationStores = ModelStore & EnsembleStore & DatasetStore & RunQueueStore;
type EvaluationStoreOf = Pick<EvaluationStore, 'getEvaluation' | 'listEvaluations'>;

/** The evaluate run's stored spec and the run's `model`: the evaluated model's name, or the ensemble's (they share one namespace). */
export async function resolveEvaluation(
  repo: ModelStore & EnsembleStore,
  target: EvaluationTarget,
  dataset: DatasetRecord,
  split: EvaluationSplit,
): Promise<{ spec: EvaluateRunSpec; model: string }> {
  if ((target.version === undefined) === (target.ensemble === undefined)) {
    throw new UnprocessableError('give exactly one of version and ensemble', {
      errors: ['version', 'ensemble'].map((path) => ({ in: 'body', path, message: 'give exactly one of version and ensemble' })),
    });
  }
  assertSplitExists(dataset, split);
  const datasetRef = { id: dataset.id, name: dataset.name, version: dataset.version };
  if (target.ensemble !== undefined) {
    const { ensemble, members } = await resolveEnsemble(repo, target.ensemble, dataset);
    return {
      spec: { dataset: datasetRef, split, members, aggregation: ensemble.aggregation, ensemble: { id: ensemble.id, name: ensemble.name, revision: ensemble.revision } },
      model: ensemble.name,
    };
  }
  const { model, version } = await resolveVersion(repo, target.version!, 'version');
  assertFitsDataset(model, dataset, 'version');
  const member = { versionId: version.id, model: model.name, version: version.version, weight: 1, normalization: normalizationOf(version) };
  return {
    spec: { dataset: datasetRef, split, members: [member], aggregation: 'mean-probabilities', version: { id: version.id, model: model.name, version: version.version } },
    model: model.name,
  };
}

/** The ensemble and its members as they resolve now (weights normalised), each fitting the dataset; 422 on `ensemble` otherwise. */
async function resolveEnsemble(repo: ModelStore & EnsembleStore, name: string, dataset: DatasetRecord) {
  const ensemble = await repo.getEnsembleByName(name);
  if (!ensemble) throw fieldError('ensemble', `ensemble "${name}" does not exist`);
  const resolved = await resolveEnsembleMembers(repo, ensemble).catch((error: unknown) => {
    throw error instanceof UnprocessableError ? fieldError('ensemble', error.message) : error;
  });
  const members: SpecMember[] = resolved.map(({ model, version, normalizedWeight }) => {
    assertFitsDataset(model, dataset, 'ensemble');
    return { versionId: version.id, model: model.name, version: version.version, weight: normalizedWeight, normalization: normalizationOf(version) };
  });
  return { ensemble, members };
}

/** The validation hold-out and the whole training file come from the train split; test needs one of its own. */
function assertSplitExists(dataset: DatasetRecord, split: EvaluationSplit): void {
  const needed = split === 'test' ? 'test' : 'train';
  if (!dataset.splits[needed]) throw fieldError('split', `dataset "${dataset.name}" version ${dataset.version} has no ${needed} split`);
}

/** Validates the request and queues its evaluate run (the evaluation's id is the run's); 422 naming the field otherwise, nothing queued. */
export async function createEvaluation(deps: { repo: EvaluationStores; clock: Clock }, request: EvaluationRequest, requester: RunRequester): Promise<RunRecord> {
  const dataset = await resolveDataset(deps.repo, request.dataset);
  const { spec, model } = await resolveEvaluation(deps.repo, request, dataset, request.split ?? DEFAULT_EVALUATION_SPLIT);
  const queued = { kind: 'evaluate' as const, spec: spec as unknown as JsonObject, model, maxAttempts: DEFAULT_MAX_ATTEMPTS };
  return queueRun(deps, queued, requester);
}

/** An evaluation at any status: its evaluate run, and its report once the run succeeded. */
export interface Evaluation {
  run: RunRecord;
  record: EvaluationRecord | null;
}

export async function getEvaluation(repo: RunQueueStore & EvaluationStoreOf, id: string): Promise<Evaluation> {
  const run = await repo.getRun(id);
  if (!run || run.kind !== 'evaluate') throw new NotFoundError(`evaluation "${id}" does not exist`, { evaluation: id });
  return { run, record: await repo.getEvaluation(id) };
}

/** Which evaluations to list: a model's version (number or alias), or an ensemble by name. */
export interface EvaluationListFilter {
  model?: string;
  version?: string;
  ensemble?: string;
}

/** Finished evaluations, newest first, with their runs. A version filter needs its model; an unknown one is a NotFoundError. */
export async function listEvaluations(
  repo: ModelStore & RunQueueStore & EvaluationStoreOf,
  filter: EvaluationListFilter,
  page: Page,
): Promise<{ items: Evaluation[]; total: number }> {
  const { items, total } = await repo.listEvaluations(await storeFilter(repo, filter), page);
  const runs = await Promise.all(items.map((record) => repo.getRun(record.id)));
  return { items: items.map((record, i) => ({ run: runs[i]!, record })), total };
}

async function storeFilter(repo: ModelStore, filter: EvaluationListFilter): Promise<EvaluationFilter> {
  if ((filter.model === undefined) !== (filter.version === undefined)) {
    const path = filter.model === undefined ? 'model' : 'version';
    throw new UnprocessableError(`${path}: model and version filter together`, { errors: [{ in: 'query', path, message: 'give model and version together' }] });
  }
  const ensemble = filter.ensemble === undefined ? {} : { ensembleName: filter.ensemble };
  if (filter.model === undefined) return ensemble;
  const model = await repo.getModelByName(filter.model);
  if (!model) throw new NotFoundError(`model "${filter.model}" does not exist`, { model: filter.model });
  const version = await findVersion(repo, model, filter.version!);
  if (!version) throw new NotFoundError(`model "${filter.model}" has no version or alias "${filter.version}"`, { model: filter.model, version: filter.version });
  return { ...ensemble, versionId: version.id };
}

/** One scored model's headline numbers. */
export interface ScoreSummary {
  count: number;
  accuracy: number;
  nll: number;
  ece: number;
}

/** What a node reports when an evaluate run ends (docs/node-protocol.md). */
export interface ReportedEvaluation extends ScoreSummary {
  reliability: { lower: number; upper: number; count: number; accuracy: number | null; confidence: number | null }[];
  perClassAccuracy: { class: number; label: string; count: number; accuracy: number | null }[];
  confusionMatrix: number[][];
  /** Each member scored on its own, in the spec's member order. */
  members: (ScoreSummary & { versionId: string })[];
}

/** The record a completed evaluate run stores: the spec's target and members, the node's report; 422 when the report does not fit the spec. */
export function evaluationRecordOf(run: RunRecord, reported: ReportedEvaluation, createdAt: string): EvaluationRecord {
  const spec = evaluateSpecOf(run);
  assertReportFitsSpec(run, spec, reported);
  const { count, accuracy, nll, ece, reliability, perClassAccuracy, confusionMatrix } = reported;
  const memberMetrics = spec.ensemble
    ? spec.members.map(({ versionId, model, version }, i) => ({ versionId, model, version, ...scoreSummary(reported.members[i]!) }))
    : null;
  return {
    id: run.id,
    versionId: spec.version?.id ?? null,
    ensembleId: spec.ensemble?.id ?? null,
    ensembleName: spec.ensemble?.name ?? null,
    datasetId: spec.dataset.id,
    split: spec.split,
    aggregation: spec.ensemble ? spec.aggregation : null,
    members: spec.members.map(({ versionId, model, version, weight }) => ({ versionId, model, version, weight })),
    accuracy,
    nll,
    ece,
    count,
    report: { dataset: spec.dataset, reliability, perClassAccuracy, confusionMatrix, members: memberMetrics },
    createdAt,
  };
}

export const scoreSummary = ({ count, accuracy, nll, ece }: ScoreSummary): ScoreSummary => ({ count, accuracy, nll, ece });

function assertReportFitsSpec(run: RunRecord, spec: EvaluateRunSpec, reported: ReportedEvaluation): void {
  const expected = spec.members.map((member) => member.versionId);
  const given = reported.members.map((member) => member.versionId);
  if (expected.join() !== given.join()) {
    throw new UnprocessableError(`evaluation of run ${run.id}: members [${given.join(', ')}] reported, the run scores [${expected.join(', ')}]`, { runId: run.id });
  }
  const binned = reported.reliability.reduce((sum, bin) => sum + bin.count, 0);
  const confused = reported.confusionMatrix.flat().reduce((sum, n) => sum + n, 0);
  if (binned !== reported.count || confused !== reported.count) {
    throw new UnprocessableError(`evaluation of run ${run.id}: ${reported.count} examples, but the reliability bins hold ${binned} and the confusion matrix ${confused}`, { runId: run.id });
  }
}
