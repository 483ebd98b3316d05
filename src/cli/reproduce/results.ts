// The results of a finished reproduction, as `docs/results/<preset>.json` holds them: every model's numbers,
// wall times, where it ran, and each student's lineage as the API reports it (checked against the protocol).
import { cpus, totalmem } from 'node:os';
import type { DistilleryClient } from '../../../openapi/client';
import { expectData } from '../api';
import type { Preset } from './presets';
import { ENSEMBLE_STUDENT_SEED, TEACHER_SEEDS, selfStudentSeed, stepIds, type EvaluationSplit } from './protocol';
import { REFERENCE } from './reference';
import type { ReproductionState, Score, StepRecord, VersionOutcome } from './state';

export interface LineageParent {
  model: string;
  version: number;
  relation: 'teacher' | 'ensemble-member' | 'init';
  weight: number | null;
  method: string | null;
}

export interface ModelResult {
  seed: number;
  model: string;
  version: number;
  validation: Score;
  test: Score;
  /** The run's wall time, from its start on a node to its end. */
  seconds: number;
  node: string | null;
}

export interface StudentResult extends ModelResult {
  /** The version's parents as `GET …/lineage?direction=ancestors&depth=1` answers. */
  lineage: LineageParent[];
  /** The parents are exactly the teachers the protocol distilled from, with their weights. */
  lineageAsExpected: boolean;
}

export interface EnsembleResult {
  name: string;
  revision: number;
  test: Score;
  members: (Score & VersionOutcome)[];
  seconds: number;
}

export interface NodeInfo {
  name: string;
  backend: string;
  device: string;
  threads: number | null;
}

export interface ReproductionResults {
  preset: string;
  description: string;
  settings: { architecture: string; dataset: { name: string; version: number }; epochs: number; batchSize: number; learningRate: number; limit: number | null };
  teachers: (ModelResult & { selfStudent: StudentResult })[];
  ensemble: EnsembleResult;
  ensembleStudent: StudentResult;
  selfStudentsEnsemble: EnsembleResult;
  /** The protocol's wall time from the first start to the last result, over every session it took. */
  wallSeconds: number;
  /** The train and distill runs' wall times added up (what one node would have taken for them). */
  trainingRunSeconds: number;
  environment: { service: string; nodes: NodeInfo[]; machine: { cpu: string; cores: number; memoryGiB: number; node: string; platform: string } };
  reference: typeof REFERENCE;
  finishedAt: string;
}

function recordOf(state: ReproductionState, id: string): StepRecord {
  const record = state.steps[id];
  if (record?.status !== 'succeeded') throw new Error(`step ${id} has not succeeded`);
  return record;
}

function scoreOf(state: ReproductionState, target: string, split: EvaluationSplit): Score {
  const score = recordOf(state, stepIds.evaluation(target, split)).score;
  if (!score) throw new Error(`evaluation ${target} on ${split} has no score`);
  return score;
}

function modelResult(state: ReproductionState, id: string, seed: number): ModelResult {
  const record = recordOf(state, id);
  const result = record.result!;
  return {
    seed,
    model: result.model,
    version: result.version,
    validation: scoreOf(state, id, 'validation'),
    test: scoreOf(state, id, 'test'),
    seconds: record.seconds ?? 0,
    node: record.node ?? null,
  };
}

async function lineageOf(client: DistilleryClient, version: VersionOutcome): Promise<LineageParent[]> {
  const lineage = await expectData(
    client.GET('/v1/models/{name}/versions/{version}/lineage', {
      params: { path: { name: version.model, version: String(version.version) }, query: { direction: 'ancestors', depth: 1 } },
    }),
  );
  const nodes = new Map(lineage.nodes.map((n) => [n.id, n]));
  return lineage.edges
    .filter((edge) => edge.child === lineage.root)
    .map((edge) => ({ model: nodes.get(edge.parent)!.model, version: nodes.get(edge.parent)!.version, relation: edge.relation, weight: edge.weight, method: edge.method }))
    .sort((a, b) => a.model.localeCompare(b.model) || a.version - b.version);
}

/** Parents = the teachers, each an edge of the relation given and of weight 1/teachers. */
function asExpected(lineage: LineageParent[], teachers: VersionOutcome[], relation: LineageParent['relation']): boolean {
  const sorted = [...teachers].sort((a, b) => a.model.localeCompare(b.model) || a.version - b.version);
  return (
    lineage.length === sorted.length &&
    lineage.every((p, i) => p.relation === relation && p.model === sorted[i]!.model && p.version === sorted[i]!.version && Math.abs((p.weight ?? 0) - 1 / sorted.length) < 1e-9)
  );
}

/** A student and its lineage: `teacher` edges for a teacher named in the run, `ensemble-member` edges for an ensemble's members. */
async function studentResult(
  client: DistilleryClient,
  state: ReproductionState,
  id: string,
  seed: number,
  teachers: { steps: string[]; relation: LineageParent['relation'] },
): Promise<StudentResult> {
  const model = modelResult(state, id, seed);
  const lineage = await lineageOf(client, recordOf(state, id).result!);
  const expected = teachers.steps.map((teacher) => recordOf(state, teacher).result!);
  return { ...model, lineage, lineageAsExpected: asExpected(lineage, expected, teachers.relation) };
}

function ensembleResult(state: ReproductionState, id: string): EnsembleResult {
  const record = recordOf(state, id);
  const evaluation = recordOf(state, stepIds.evaluation(id, 'test'));
  return { name: record.ensembleName!, revision: record.revision!, test: evaluation.score!, members: evaluation.memberScores ?? [], seconds: evaluation.seconds ?? 0 };
}

/** The nodes that ran a step (a resumed embedded service registers new ones; a shared service has others). */
async function nodesOf(client: DistilleryClient, state: ReproductionState): Promise<NodeInfo[]> {
  const used = new Set(Object.values(state.steps).map((record) => record.node));
  const listed = await client.GET('/v1/nodes');
  return (listed.data?.items ?? []).filter((n) => used.has(n.name)).map((n) => ({
    name: n.name,
    backend: n.backend,
    device: n.device,
    threads: typeof n.capabilities.threads === 'number' ? n.capabilities.threads : null,
  }));
}

export interface ResultsInput {
  client: DistilleryClient;
  state: ReproductionState;
  preset: Preset;
  epochs: number;
  limit: number | null;
  service: string;
  wallSeconds: number;
}

export async function collectResults({ client, state, preset, epochs, limit, service, wallSeconds }: ResultsInput): Promise<ReproductionResults> {
  const teachers = await Promise.all(
    TEACHER_SEEDS.map(async (seed) => ({
      ...modelResult(state, stepIds.teacher(seed), seed),
      selfStudent: await studentResult(client, state, stepIds.selfStudent(seed), selfStudentSeed(seed), { steps: [stepIds.teacher(seed)], relation: 'teacher' }),
    })),
  );
  const ensembleStudent = await studentResult(client, state, stepIds.ensembleStudent, ENSEMBLE_STUDENT_SEED, {
    steps: TEACHER_SEEDS.map(stepIds.teacher),
    relation: 'ensemble-member',
  });
  const trainingRunSeconds = [...teachers.flatMap((t) => [t.seconds, t.selfStudent.seconds]), ensembleStudent.seconds].reduce((a, b) => a + b, 0);
  const cpu = cpus();
  return {
    preset: preset.name,
    description: preset.description,
    settings: {
      architecture: preset.architecture,
      dataset: state.dataset!,
      epochs,
      batchSize: preset.hyperparameters.batchSize,
      learningRate: preset.hyperparameters.optimizer.learningRate,
      limit,
    },
    teachers,
    ensemble: ensembleResult(state, stepIds.teachers),
    ensembleStudent,
    selfStudentsEnsemble: ensembleResult(state, stepIds.selfStudents),
    wallSeconds,
    trainingRunSeconds,
    environment: {
      service,
      nodes: await nodesOf(client, state),
      machine: { cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}` },
    },
    reference: REFERENCE,
    finishedAt: new Date().toISOString(),
  };
}
