// executeRun on every backend, on a tiny real IDX dataset: train, distill from two teachers (logits computed once,
// then reused), resume from a checkpoint, evaluate, cancel, and inputs that do not match their spec.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import type { LabelledImages } from '../../src/datasets';
import { executeRun, RunInputsError, type RunExecutionHooks, type RunInputs } from '../../src/node/execute-run';
import {
  deserializeModel,
  evaluateEnsemble,
  evaluateModel,
  splitTrainValidation,
  TrainingCancelledError,
  type CheckpointArtifacts,
  type CheckpointMetrics,
  type ModelArtifactsBytes,
} from '../../src/training';
import { describeOnEveryBackend } from '../training/backends';
import { bandImages } from '../training/fixtures';

const bigEndian = (value: number) => [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];

/** A set as the IDX files of one split (images IDX3, labels IDX1), as a node downloads them. */
function idxSplit(set: LabelledImages, split: 'train' | 'test'): Record<string, Uint8Array> {
  const images = new Uint8Array([...[0x803, set.count, set.height, set.width].flatMap(bigEndian), ...set.pixels]);
  const labels = new Uint8Array([...[0x801, set.count].flatMap(bigEndian), ...set.labels]);
  return { [`${split}-images`]: images, [`${split}-labels`]: labels };
}

const trainSet = bandImages(240, 1);
const testSet = bandImages(100, 2);
const dataset: RunInputs['dataset'] = {
  format: 'idx',
  files: { ...idxSplit(trainSet, 'train'), ...idxSplit(testSet, 'test') },
  classLabels: ['top', 'bottom'],
};
const datasetRef = { id: 'd1', name: 'bands', version: 1 };
const training = { architecture: 'mlp', batchSize: 32, epochs: 2 } as const;
const QUALITY_KEYS = ['validation_accuracy', 'validation_nll', 'validation_ece', 'test_accuracy', 'test_nll', 'test_ece'];

/** What a node's agent would see of a run: every checkpoint, epoch, batch and computed teacher logits. */
function recordingHooks(extra: Partial<RunExecutionHooks> = {}) {
  const checkpoints = new Map<number, CheckpointArtifacts>();
  const epochs: CheckpointMetrics[] = [];
  const teacherLogits: [number, Float32Array][] = [];
  let batches = 0;
  const hooks: RunExecutionHooks = {
    checkpoints: { save: async (epoch, artifacts) => void checkpoints.set(epoch, artifacts) },
    onEpoch: (metrics) => void epochs.push(metrics),
    onBatch: () => void batches++,
    onTeacherLogits: async (index, logits) => void teacherLogits.push([index, logits]),
    ...extra,
  };
  return { hooks, checkpoints, epochs, teacherLogits, batches: () => batches };
}

/** The best checkpoint as the API registers it: the version a later run downloads. */
const bestVersion = (checkpoints: Map<number, CheckpointArtifacts>, bestEpoch: number): ModelArtifactsBytes => {
  const { modelJson, weights } = checkpoints.get(bestEpoch)!;
  return { modelJson, weights };
};

const withoutTimes = (metrics: Record<string, number>) =>
  Object.fromEntries(Object.entries(metrics).filter(([key]) => !key.endsWith('_seconds')));

describeOnEveryBackend('executeRun', () => {
  const teachers: ModelArtifactsBytes[] = [];

  const distillInputs = (logits?: Float32Array[]): RunInputs => ({
    kind: 'distill',
    spec: {
      dataset: datasetRef,
      model: 'student',
      teachers: [0, 1].map((i) => ({ versionId: `t${i}`, model: 'teacher', version: i + 1, weight: null })),
      training: { ...training, seed: 9, temperature: 2 },
    },
    dataset,
    teachers: teachers.map((artifacts, i) => ({ versionId: `t${i}`, artifacts, ...(logits && { logits: logits[i] }) })),
  });

  beforeAll(async () => {
    teachers.length = 0;
    for (const seed of [1, 2]) {
      const seen = recordingHooks();
      const { metrics } = await executeRun({ kind: 'train', spec: { dataset: datasetRef, model: 'teacher', training: { ...training, seed } }, dataset, teachers: [] }, seen.hooks);
      teachers.push(bestVersion(seen.checkpoints, metrics.best_epoch!));
    }
  });

  it('trains: every epoch checkpointed, metrics of the best epoch on validation and test', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const seen = recordingHooks();
    const { metrics } = await executeRun({ kind: 'train', spec: { dataset: datasetRef, model: 'm', training: { ...training, seed: 3 } }, dataset, teachers: [] }, seen.hooks);
    expect(Object.keys(metrics).sort()).toEqual([...QUALITY_KEYS, 'best_epoch', 'epochs', 'train_seconds'].sort());
    expect(metrics.epochs).toBe(2);
    expect([...seen.checkpoints.keys()]).toEqual([1, 2]);
    expect(seen.epochs.map((m) => m.epoch)).toEqual([1, 2]);
    expect(seen.batches()).toBe(2 * 7);
    // The validation numbers are the loop's own for the best epoch: the same split, the same model.
    const best = seen.checkpoints.get(metrics.best_epoch!)!.metrics;
    expect(metrics.validation_accuracy).toBe(best.validationAccuracy);
    expect(metrics.validation_nll).toBeCloseTo(best.validationLoss, 6);
    expect(metrics.test_accuracy).toBeGreaterThan(0.9);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('distils from two teachers: logits computed once and handed out, then reused for the same run', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const first = recordingHooks();
    const computed = await executeRun(distillInputs(), first.hooks);
    expect(first.teacherLogits.map(([index, logits]) => [index, logits.length])).toEqual([[0, 480], [1, 480]]);
    expect(computed.metrics.test_accuracy).toBeGreaterThan(0.9);
    expect(computed.metrics.teacher_logits_seconds).toBeTypeOf('number');

    const second = recordingHooks();
    const reused = await executeRun(distillInputs(first.teacherLogits.map(([, logits]) => logits)), second.hooks);
    expect(second.teacherLogits).toEqual([]);
    expect(reused.metrics).not.toHaveProperty('teacher_logits_seconds');
    expect(withoutTimes(reused.metrics)).toEqual(withoutTimes(computed.metrics));
    expect(second.checkpoints.get(2)!.weights).toEqual(first.checkpoints.get(2)!.weights);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('resumes from the checkpoint of epoch 1: starts at epoch 2, ends with the full history and the same result', async () => {
    const full = recordingHooks();
    const uninterrupted = await executeRun(distillInputs(), full.hooks);
    const epoch1 = full.checkpoints.get(1)!;
    const resumed = recordingHooks();
    const { metrics } = await executeRun({ ...distillInputs(), resume: { latest: epoch1, best: epoch1 } }, resumed.hooks);
    expect([...resumed.checkpoints.keys()]).toEqual([2]);
    expect(resumed.epochs.map((m) => m.epoch)).toEqual([2]);
    expect(resumed.epochs[0]!.history).toEqual(full.epochs[1]!.history);
    expect(resumed.checkpoints.get(2)!.weights).toEqual(full.checkpoints.get(2)!.weights);
    expect(withoutTimes(metrics)).toEqual(withoutTimes(uninterrupted.metrics));
  });

  it('distils with augmentation by running the teachers on every batch (no logits computed)', async () => {
    const inputs = distillInputs();
    const seen = recordingHooks();
    const { metrics } = await executeRun({ ...inputs, spec: { ...inputs.spec, training: { ...training, seed: 9, augmentation: true } } }, seen.hooks);
    expect(seen.teacherLogits).toEqual([]);
    expect(metrics.epochs).toBe(2);
  });

  it('starts from the init version when the spec names one', async () => {
    const seen = recordingHooks();
    // A learning rate so small one epoch leaves the init weights as they were.
    const spec = { dataset: datasetRef, model: 'm', init: { versionId: 't0', model: 'teacher', version: 1 }, training: { ...training, epochs: 1, optimizer: { name: 'sgd', learningRate: 1e-12 } } };
    await executeRun({ kind: 'train', spec, dataset, teachers: [], init: teachers[0] }, seen.hooks);
    const after = new Float32Array(seen.checkpoints.get(1)!.weights.slice().buffer);
    const before = new Float32Array(teachers[0]!.weights.slice().buffer);
    expect(after.length).toBe(before.length);
    after.forEach((value, i) => expect(value).toBeCloseTo(before[i]!, 5));
  });

  const REFERENCE = { mean: [0.5], std: [0.5] };
  /** An evaluate run's inputs: the members t0, t1… with these weights and normalisations. */
  const evaluateInputs = (split: string, aggregation: string, members: { weight: number; normalization: typeof REFERENCE }[]): RunInputs => ({
    kind: 'evaluate',
    spec: {
      dataset: datasetRef,
      split,
      aggregation,
      members: members.map((member, i) => ({ versionId: `t${i}`, model: 'teacher', version: i + 1, ...member })),
    },
    dataset,
    teachers: [],
    members: teachers.slice(0, members.length),
  });

  it('evaluates a version on the test split: the engine\'s numbers, reliability bins and confusion matrix holding every example', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const { metrics, evaluation } = await executeRun(evaluateInputs('test', 'mean-probabilities', [{ weight: 1, normalization: REFERENCE }]));
    const model = await deserializeModel(teachers[0]!);
    const expected = await evaluateModel(model, testSet);
    model.dispose();
    expect(metrics).toEqual({ count: 100, accuracy: expected.accuracy, nll: expected.nll, ece: expected.ece });
    expect(evaluation).toMatchObject({ count: 100, accuracy: expected.accuracy, reliability: expected.reliability, confusionMatrix: expected.confusionMatrix });
    expect(evaluation!.reliability.reduce((sum, bin) => sum + bin.count, 0)).toBe(100);
    expect(evaluation!.perClassAccuracy).toEqual(
      expected.perClassAccuracy.map((accuracy, c) => ({ class: c, label: ['top', 'bottom'][c], count: testSet.labels.filter((l) => l === c).length, accuracy })),
    );
    expect(evaluation!.members).toEqual([{ versionId: 't0', count: 100, accuracy: expected.accuracy, nll: expected.nll, ece: expected.ece }]);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('evaluates an ensemble by majority vote on the reference validation hold-out, each member with its own normalisation', async () => {
    const members = [{ weight: 0.75, normalization: REFERENCE }, { weight: 0.25, normalization: { mean: [0], std: [1] } }];
    const { evaluation } = await executeRun(evaluateInputs('validation', 'majority-vote', members));
    const models = await Promise.all(teachers.map((artifacts) => deserializeModel(artifacts)));
    const { validation } = splitTrainValidation(trainSet.count, 0.1, 42);
    const expected = await evaluateEnsemble(models, trainSet, {
      indices: validation,
      aggregation: 'majority-vote',
      weights: [0.75, 0.25],
      normalizations: members.map((member) => member.normalization),
    });
    models.forEach((model) => model.dispose());
    expect(evaluation).toMatchObject({ count: validation.length, accuracy: expected.ensemble.accuracy, nll: expected.ensemble.nll });
    expect(evaluation!.members.map((member) => member.accuracy)).toEqual(expected.members.map((member) => member.accuracy));
    // A 0.75 vote always outweighs 0.25: the ensemble predicts what the first member predicts.
    expect(evaluation!.accuracy).toBe(evaluation!.members[0]!.accuracy);
  });

  it('evaluates on the whole training file', async () => {
    const { metrics } = await executeRun(evaluateInputs('train', 'mean-logits', [{ weight: 0.5, normalization: REFERENCE }, { weight: 0.5, normalization: REFERENCE }]));
    expect(metrics.count).toBe(240);
  });

  it('stops at the next batch when the signal fires, with TrainingCancelledError and nothing leaked', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const controller = new AbortController();
    const seen = recordingHooks({ signal: controller.signal, onBatch: (p) => p.batch === 3 && controller.abort() });
    await expect(executeRun(distillInputs(), seen.hooks)).rejects.toThrow(TrainingCancelledError);
    expect(seen.checkpoints.size).toBe(0);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('refuses inputs that do not match the spec', async () => {
    const inputs = distillInputs();
    await expect(executeRun({ ...inputs, teachers: inputs.teachers.slice(1) })).rejects.toThrow(/the spec names teachers \[t0, t1\], the inputs hold \[t1\]/);
    const train: RunInputs = { kind: 'train', spec: { dataset: datasetRef, model: 'm', training, init: { versionId: 't0' } }, dataset, teachers: [] };
    await expect(executeRun(train)).rejects.toThrow(RunInputsError);
    await expect(executeRun({ ...train, spec: { dataset: datasetRef, model: 'm', training }, init: teachers[0] })).rejects.toThrow(/init artifacts given for a spec with no init/);
    const evaluate = evaluateInputs('test', 'mean-probabilities', [{ weight: 1, normalization: REFERENCE }]);
    await expect(executeRun({ ...evaluate, members: [] })).rejects.toThrow(/the spec scores 1 members, the inputs hold 0/);
    const withoutTest = { ...dataset, files: idxSplit(trainSet, 'train') };
    await expect(executeRun({ ...evaluate, dataset: withoutTest })).rejects.toThrow(/no test split/);
    await expect(executeRun({ ...train, spec: { dataset: datasetRef, model: 'm', training: { ...training, lr: 1 } } })).rejects.toThrow(/lr: is not a setting/);
  });
});
