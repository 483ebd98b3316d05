// Executes one claimed run on this node with the engine: its inputs as bytes in, metrics out, progress and
// checkpoints through hooks. No HTTP here: the agent downloads the inputs and uploads what the hooks hand it.

import type * as tf from '@tensorflow/tfjs';
import { parseDatasetFiles, type ParsedDataset } from '../datasets/files';
import type { LabelledImages } from '../datasets/labelled-images';
import { DistilleryError } from '../errors';
import type { ReportedEvaluation } from '../registry/evaluations';
import type { JsonObject } from '../registry/records';
import type { EvaluateRunSpec } from '../registry/stored-run-spec';
import {
  computeTeacherLogits,
  deserializeModel,
  distillModel,
  distillModelFromLogits,
  ensembleReportFromLogits,
  evaluateModel,
  labelsAt,
  parseDistillSpec,
  predictLogits,
  parseTrainSpec,
  splitTrainValidation,
  trainModel,
  TrainingCancelledError,
  DEFAULT_SPLIT_SEED,
  DEFAULT_VALIDATION_FRACTION,
  type BatchProgress,
  type CheckpointMetrics,
  type CheckpointSink,
  type ModelArtifactsBytes,
  type ResumeState,
  type RunHooks,
  type RunResult,
  type TrainSpec,
} from '../training';
import { assertModelFitsData } from '../training/loop';

export interface RunTeacherInputs {
  versionId: string;
  artifacts: ModelArtifactsBytes;
  /** The teacher's cached logits on the training file (float32 examples x classes), when the API had them. */
  logits?: Float32Array;
}

export interface RunInputs {
  kind: 'train' | 'distill' | 'evaluate';
  /** The run's stored spec (src/registry/runs.ts, evaluations.ts): dataset, model, teachers, training, init; evaluate: split, members, aggregation. */
  spec: JsonObject;
  dataset: { format: 'idx' | 'cifar10-binary'; files: Record<string, Uint8Array>; classLabels: string[] };
  /** In the order of spec.teachers. */
  teachers: RunTeacherInputs[];
  /** The version spec.init names, when the run starts from one. */
  init?: ModelArtifactsBytes;
  /** Evaluate runs: every member spec.members names, in that order. */
  members?: ModelArtifactsBytes[];
  /** The latest stored checkpoint of an earlier attempt, and the best one so far. */
  resume?: ResumeState;
}

export interface RunExecutionHooks {
  onBatch?(progress: BatchProgress): void;
  /** After each epoch's checkpoint is saved; `seconds` is that epoch's wall time. Awaited. */
  onEpoch?(metrics: CheckpointMetrics, seconds: number): void | Promise<void>;
  checkpoints?: CheckpointSink;
  /** A teacher's logits this node computed (not the cached ones), for the agent to upload. Awaited. */
  onTeacherLogits?(teacherIndex: number, logits: Float32Array): Promise<void>;
  /** Checked between batches (and between teachers' logits); an aborted run throws TrainingCancelledError. */
  signal?: AbortSignal;
}

/** Inputs that do not match the run's spec (a teacher or the init version missing, another run's spec). */
export class RunInputsError extends DistilleryError {
  readonly type = 'invalid-run-inputs';
  readonly status = 422;
}

/** What a run ends with: its metrics, and for an evaluate run the evaluation report the complete call carries. */
export interface RunExecution {
  metrics: Record<string, number>;
  evaluation?: ReportedEvaluation;
}

/**
 * Runs a train, distill or evaluate run to the end: train and distill runs give the metrics
 * `validation_accuracy`, `validation_nll`, `validation_ece`, `test_accuracy`, `test_nll`, `test_ece` (test_* when the
 * dataset has a test split) of the best epoch's model, `best_epoch`, `epochs`, `train_seconds` (this attempt) and,
 * when this node computed teacher logits, `teacher_logits_seconds`; evaluate runs `count`, `accuracy`, `nll`, `ece`
 * on the spec's split, and the evaluation. Every model and tensor it makes is disposed, also when it throws.
 */
export async function executeRun(inputs: RunInputs, hooks: RunExecutionHooks = {}): Promise<RunExecution> {
  const dataset = parseDatasetFiles(inputs.dataset.format, inputs.dataset.files, inputs.dataset.classLabels.length);
  if (inputs.kind === 'evaluate') return evaluateMembers(inputs, dataset);
  return { metrics: await trainOrDistill(inputs, dataset, hooks) };
}

/** The engine run a train or distill spec asks for, its inputs loaded; dispose() frees what loading made. */
interface PreparedRun {
  spec: TrainSpec;
  run(hooks: RunHooks): Promise<RunResult>;
  extraMetrics: Record<string, number>;
  dispose(): void;
}

async function trainOrDistill(inputs: RunInputs, dataset: ParsedDataset, hooks: RunExecutionHooks): Promise<Record<string, number>> {
  const init = initArtifacts(inputs);
  const prepared = inputs.kind === 'train' ? prepareTrain(inputs, dataset.train) : await prepareDistill(inputs, dataset.train, hooks);
  try {
    const started = performance.now();
    const result = await prepared.run(engineHooks(inputs, hooks, init));
    const trainSeconds = secondsSince(started);
    try {
      return {
        ...(await qualityMetrics(result.model, dataset, prepared.spec)),
        best_epoch: result.bestEpoch,
        epochs: result.history.length,
        train_seconds: trainSeconds,
        ...prepared.extraMetrics,
      };
    } finally {
      result.model.dispose();
    }
  } finally {
    prepared.dispose();
  }
}

function prepareTrain(inputs: RunInputs, train: LabelledImages): PreparedRun {
  const spec = parseTrainSpec(inputs.spec.training);
  return { spec, run: (hooks) => trainModel(spec, train, hooks), extraMetrics: {}, dispose: () => {} };
}

/**
 * Without augmentation every teacher contributes its logits on the training file, cached or computed here once
 * for the whole run; with augmentation each batch is new images, so the teachers run on every batch.
 */
async function prepareDistill(inputs: RunInputs, train: LabelledImages, hooks: RunExecutionHooks): Promise<PreparedRun> {
  const spec = parseDistillSpec(inputs.spec.training);
  assertTeachersMatchSpec(inputs);
  if (spec.augmentation) {
    const teachers = await loadModels(inputs.teachers.map((teacher) => teacher.artifacts));
    return {
      spec,
      run: (runHooks) => distillModel(spec, teachers, train, runHooks),
      extraMetrics: {},
      dispose: () => teachers.forEach((teacher) => teacher.dispose()),
    };
  }
  const started = performance.now();
  const { logits, computed } = await teacherLogitsOnTrain(inputs, train, spec, hooks);
  return {
    spec,
    run: (runHooks) => distillModelFromLogits(spec, logits, train, runHooks),
    extraMetrics: computed ? { teacher_logits_seconds: secondsSince(started) } : {},
    dispose: () => {},
  };
}

/** Each teacher's cached logits, or its logits computed now (one teacher model alive at a time) and handed to onTeacherLogits. */
async function teacherLogitsOnTrain(
  inputs: RunInputs,
  train: LabelledImages,
  spec: TrainSpec,
  hooks: RunExecutionHooks,
): Promise<{ logits: Float32Array[]; computed: boolean }> {
  const logits: Float32Array[] = [];
  let computed = false;
  for (const [index, teacher] of inputs.teachers.entries()) {
    if (teacher.logits) {
      logits.push(teacher.logits);
      continue;
    }
    if (hooks.signal?.aborted) throw new TrainingCancelledError(firstEpoch(inputs));
    const model = await deserializeModel(teacher.artifacts);
    let teacherLogits: Float32Array;
    try {
      teacherLogits = await computeTeacherLogits(model, train, { normalization: spec.normalization, batchSize: spec.batchSize });
    } finally {
      model.dispose();
    }
    await hooks.onTeacherLogits?.(index, teacherLogits);
    logits.push(teacherLogits);
    computed = true;
  }
  return { logits, computed };
}

/** The engine's hooks from the node's: progress, per-epoch wall time, checkpoints, cancel, resume and init. */
function engineHooks(inputs: RunInputs, hooks: RunExecutionHooks, init: ModelArtifactsBytes | undefined): RunHooks {
  let epochStarted = performance.now();
  return {
    ...(hooks.checkpoints && { checkpoints: hooks.checkpoints }),
    ...(hooks.signal && { signal: hooks.signal }),
    ...(inputs.resume && { resume: inputs.resume }),
    ...(init && { init }),
    ...(hooks.onBatch && { onBatchEnd: hooks.onBatch }),
    onEpochEnd: async (metrics) => {
      const seconds = secondsSince(epochStarted);
      await hooks.onEpoch?.(metrics, seconds);
      epochStarted = performance.now();
    },
  };
}

/** spec.init and inputs.init come together or not at all: a student started from a version must say which. */
function initArtifacts(inputs: RunInputs): ModelArtifactsBytes | undefined {
  const named = inputs.spec.init !== undefined && inputs.spec.init !== null;
  if (named && !inputs.init) throw new RunInputsError('the spec starts from an init version, but its artifacts are missing', { field: 'init' });
  if (!named && inputs.init) throw new RunInputsError('init artifacts given for a spec with no init version', { field: 'init' });
  return inputs.init;
}

function assertTeachersMatchSpec(inputs: RunInputs): void {
  const specTeachers = Array.isArray(inputs.spec.teachers) ? (inputs.spec.teachers as { versionId?: unknown }[]) : [];
  const expected = specTeachers.map((teacher) => teacher.versionId);
  const given = inputs.teachers.map((teacher) => teacher.versionId);
  if (expected.length === 0 || expected.join() !== given.join()) {
    throw new RunInputsError(`the spec names teachers [${expected.join(', ')}], the inputs hold [${given.join(', ')}]`, { field: 'teachers' });
  }
}

/** What the evaluation numbers are computed with: the training spec's split and normalisation. */
type EvaluationSettings = Pick<TrainSpec, 'normalization' | 'validationFraction' | 'splitSeed'> & { batchSize?: number };

/** The examples an evaluation scores: the test file, the reference protocol's validation hold-out (10 %, seed 42), or the whole training file. */
function scoredExamples(dataset: ParsedDataset, split: EvaluateRunSpec['split']): { set: LabelledImages; indices?: Uint32Array } {
  if (split === 'train') return { set: dataset.train };
  if (split === 'validation') {
    return { set: dataset.train, indices: splitTrainValidation(dataset.train.count, DEFAULT_VALIDATION_FRACTION, DEFAULT_SPLIT_SEED).validation };
  }
  if (!dataset.test) throw new RunInputsError('the dataset has no test split to evaluate on', { field: 'split' });
  return { set: dataset.test };
}

/**
 * Scores every member on the spec's split with its own normalisation (one model alive at a time), combines them as the
 * spec's aggregation says, and reports the combination's metrics beside each member's.
 */
async function evaluateMembers(inputs: RunInputs, dataset: ParsedDataset): Promise<RunExecution> {
  const spec = inputs.spec as unknown as EvaluateRunSpec;
  const artifacts = inputs.members ?? [];
  const expected = Array.isArray(spec.members) ? spec.members : [];
  if (expected.length === 0 || artifacts.length !== expected.length) {
    throw new RunInputsError(`the spec scores ${expected.length} members, the inputs hold ${artifacts.length}`, { field: 'members' });
  }
  const { set, indices } = scoredExamples(dataset, spec.split);
  const memberLogits: Float32Array[] = [];
  for (const [i, member] of expected.entries()) {
    const model = await deserializeModel(artifacts[i]!);
    try {
      assertModelFitsData(model, set, `member ${i} (${member.model} version ${member.version})`);
      memberLogits.push(await predictLogits(model, set, { normalization: member.normalization, ...(indices && { indices }) }));
    } finally {
      model.dispose();
    }
  }
  const weights = expected.map((member) => member.weight);
  const report = ensembleReportFromLogits(memberLogits, labelsAt(set, indices), set.numClasses, { weights, aggregation: spec.aggregation });
  const { count, accuracy, nll, ece, reliability, perClassAccuracy, confusionMatrix } = report.ensemble;
  const evaluation: ReportedEvaluation = {
    count,
    accuracy,
    nll,
    ece,
    reliability,
    perClassAccuracy: perClassAccuracy.map((classAccuracy, c) => ({
      class: c,
      label: inputs.dataset.classLabels[c] ?? String(c),
      count: (confusionMatrix[c] ?? []).reduce((sum, n) => sum + n, 0),
      accuracy: classAccuracy,
    })),
    confusionMatrix,
    members: report.members.map((scored, i) => ({ versionId: expected[i]!.versionId, count: scored.count, accuracy: scored.accuracy, nll: scored.nll, ece: scored.ece })),
  };
  return { metrics: { count, accuracy, nll, ece }, evaluation };
}

/** Accuracy, NLL and ECE on the validation split and (when the dataset has one) the test split. */
async function qualityMetrics(model: tf.LayersModel, dataset: ParsedDataset, settings: EvaluationSettings): Promise<Record<string, number>> {
  const { validation } = splitTrainValidation(dataset.train.count, settings.validationFraction, settings.splitSeed);
  const options = { normalization: settings.normalization, batchSize: settings.batchSize };
  const metrics = prefixed('validation', await evaluateModel(model, dataset.train, { ...options, indices: validation }));
  return dataset.test ? { ...metrics, ...prefixed('test', await evaluateModel(model, dataset.test, options)) } : metrics;
}

const prefixed = (split: string, report: { accuracy: number; nll: number; ece: number }): Record<string, number> => ({
  [`${split}_accuracy`]: report.accuracy,
  [`${split}_nll`]: report.nll,
  [`${split}_ece`]: report.ece,
});

async function loadModels(artifacts: ModelArtifactsBytes[]): Promise<tf.LayersModel[]> {
  const models: tf.LayersModel[] = [];
  try {
    for (const artifact of artifacts) models.push(await deserializeModel(artifact));
    return models;
  } catch (error) {
    models.forEach((model) => model.dispose());
    throw error;
  }
}

const firstEpoch = (inputs: RunInputs): number => (inputs.resume?.latest.metrics.epoch ?? 0) + 1;
const secondsSince = (start: number): number => (performance.now() - start) / 1000;
