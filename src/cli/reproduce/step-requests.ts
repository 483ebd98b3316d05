// How each protocol step talks to the API: the request that starts it (with an idempotency key, so a
// replay after a crash finds the same run) and how a finished run's outcome is read back.
import type { DistilleryClient } from '../../../openapi/client';
import type { components } from '../../../openapi/schema';
import { ApiProblemError, expectData } from '../api';
import type { Preset } from './presets';
import type { Step } from './protocol';
import type { ReproductionState, StepRecord, VersionOutcome } from './state';

export type Run = components['schemas']['Run'];

export interface StepContext {
  client: DistilleryClient;
  state: ReproductionState;
  preset: Preset;
  /** The epochs every train and distill run trains for (the preset's, or `--epochs`). */
  epochs: number;
  dataset: { name: string; version: number };
}

/** One key per step and submission: a resubmission after a failure is a new run, a replay the same one. */
const idempotencyKey = (state: ReproductionState, step: Step, record: StepRecord) =>
  `reproduce-${state.protocolId}-${step.id}-${record.submissions}`;

function resultOf(state: ReproductionState, stepId: string): VersionOutcome {
  const result = state.steps[stepId]?.result;
  if (!result) throw new Error(`step ${stepId} has no registered version yet`);
  return result;
}

const versionRef = ({ model, version }: VersionOutcome) => ({ model, version });

/** Starts a run step (train, distill, evaluate) and returns its run id. */
export async function submitRun(ctx: StepContext, step: Exclude<Step, { kind: 'ensemble' }>, record: StepRecord): Promise<string> {
  const headers = { 'Idempotency-Key': idempotencyKey(ctx.state, step, record) };
  if (step.kind === 'evaluate') {
    const target = ctx.state.steps[step.targetStep];
    const evaluation = await expectData(
      ctx.client.POST('/v1/evaluations', {
        headers,
        body: {
          ...(target?.ensembleName !== undefined ? { ensemble: ensembleName(ctx, step.targetStep) } : { version: versionRef(resultOf(ctx.state, step.targetStep)) }),
          dataset: ctx.dataset,
          split: step.split,
        },
      }),
    );
    return evaluation.id;
  }
  const hyperparameters = { ...ctx.preset.hyperparameters, epochs: ctx.epochs, seed: step.seed };
  const common = { dataset: ctx.dataset, model: step.model, architecture: ctx.preset.architecture, hyperparameters };
  const body =
    step.kind === 'train'
      ? { kind: 'train' as const, ...common }
      : 'teacherStep' in step.from
        ? { kind: 'distill' as const, ...common, teachers: [versionRef(resultOf(ctx.state, step.from.teacherStep))] }
        : { kind: 'distill' as const, ...common, ensemble: ensembleName(ctx, step.from.ensembleStep) };
  const run = await expectData(ctx.client.POST('/v1/runs', { headers, body }));
  return run.id;
}

/** The ensemble step's name, as the protocol wrote it. */
function ensembleName(ctx: StepContext, stepId: string): string {
  const name = ctx.state.steps[stepId]?.ensembleName;
  if (!name) throw new Error(`step ${stepId} has no ensemble yet`);
  return name;
}

/**
 * Creates the ensemble of the member steps' versions (mean of probabilities, equal weights) and returns its
 * revision. An ensemble of that name left by an earlier, interrupted start is reused when it has exactly
 * these members; one with other members is someone else's, and is refused rather than changed.
 */
export async function createEnsemble(ctx: StepContext, step: Extract<Step, { kind: 'ensemble' }>, record: StepRecord): Promise<number> {
  const members = step.memberSteps.map((id) => versionRef(resultOf(ctx.state, id)));
  const headers = { 'Idempotency-Key': idempotencyKey(ctx.state, step, record) };
  const created = await ctx.client.POST('/v1/ensembles', { headers, body: { name: step.name, members, aggregation: 'mean-probabilities' } });
  if (created.data) return created.data.revision;
  if (created.response.status !== 409) throw new ApiProblemError(created.response.status, created.error ?? {});
  const existing = await expectData(ctx.client.GET('/v1/ensembles/{name}', { params: { path: { name: step.name } } }));
  const same =
    existing.aggregation === 'mean-probabilities' &&
    existing.members.length === members.length &&
    existing.members.every((m, i) => m.alias === null && m.model === members[i]?.model && m.version === members[i]?.version);
  if (!same) throw new Error(`the ensemble ${step.name} exists with other members: start with another --prefix`);
  return existing.revision;
}

/** The number of the version a run registered (runs report its id). */
export async function versionById(client: DistilleryClient, model: string, versionId: string): Promise<VersionOutcome> {
  const limit = 500;
  for (let offset = 0; ; offset += limit) {
    const page = await expectData(
      client.GET('/v1/models/{name}/versions', { params: { path: { name: model }, query: { limit, offset } } }),
    );
    const found = page.items.find((v) => v.id === versionId);
    if (found) return { versionId, model, version: found.version };
    if (offset + limit >= page.total) throw new Error(`version ${versionId} is not among the versions of ${model}`);
  }
}

/** What a succeeded evaluate run scored (and, for an ensemble, each member). */
export async function evaluationScores(client: DistilleryClient, id: string): Promise<Pick<StepRecord, 'score' | 'memberScores'>> {
  const evaluation = await expectData(client.GET('/v1/evaluations/{id}', { params: { path: { id } } }));
  if (!evaluation.metrics) throw new Error(`evaluation ${id} succeeded without metrics`);
  return {
    score: evaluation.metrics,
    ...(evaluation.memberMetrics && {
      memberScores: evaluation.memberMetrics.map(({ versionId, model, version, count, accuracy, nll, ece }) => ({ versionId, model, version, count, accuracy, nll, ece })),
    }),
  };
}
