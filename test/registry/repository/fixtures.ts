// Records for the Repository tests: valid by default, unique where the database requires it.
import { randomUUID } from 'node:crypto';
import {
  IDEMPOTENCY_IN_PROGRESS,
  type NewCheckpoint,
  type NewDataset,
  type NewEnsemble,
  type NewLineageEdge,
  type NewModel,
  type NewModelVersion,
  type NewNode,
  type NewRun,
} from '../../../src/registry/ports';
import type { ApiKeyRecord, EnsembleMemberRecord, IdempotencyRecord, ModelVersionRecord } from '../../../src/registry/records';

export const T0 = '2026-11-28T18:50:02.123Z';
export const T1 = '2026-11-28T19:01:40.456Z';
export const T2 = '2026-11-29T07:12:00.789Z';

export function newModel(overrides: Partial<NewModel> = {}): NewModel {
  return {
    id: randomUUID(),
    name: `model-${randomUUID()}`,
    task: 'image-classification',
    inputShape: [28, 28, 1],
    classLabels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    description: '',
    tags: {},
    createdAt: T0,
    ...overrides,
  };
}

export function newVersion(modelId: string, overrides: Partial<NewModelVersion> = {}): NewModelVersion {
  const id = randomUUID();
  return {
    id,
    modelId,
    description: '',
    modelJson: { key: `models/${modelId}/${id}/model.json`, sha256: 'a'.repeat(64), size: 1234 },
    weights: { key: `models/${modelId}/${id}/weights.bin`, sha256: 'b'.repeat(64), size: 56_789 },
    params: {},
    metrics: {},
    tags: {},
    sourceRunId: null,
    createdAt: T0,
    parents: [],
    ...overrides,
  };
}

export function teacherEdge(parentVersionId: string): NewLineageEdge {
  return { parentVersionId, relation: 'teacher', weight: 1, method: 'self-distillation', params: {}, runId: null, datasetId: null };
}

export function newDataset(overrides: Partial<NewDataset> = {}): NewDataset {
  return {
    id: randomUUID(),
    name: `dataset-${randomUUID()}`,
    format: 'cifar10-binary',
    source: 'upload',
    description: '',
    shape: [32, 32, 3],
    classLabels: ['airplane', 'automobile'],
    splits: { train: { count: 3, classCounts: [1, 2] }, test: { count: 1, classCounts: [0, 1] } },
    files: [{ role: 'train-images', key: 'datasets/d/1/data_batch_1.bin', sha256: 'c'.repeat(64), size: 30_730_000 }],
    createdAt: T0,
    ...overrides,
  };
}

export function newApiKey(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: randomUUID(),
    name: 'ci',
    secretHash: randomUUID().replaceAll('-', '').padEnd(64, '0'),
    scopes: ['read'],
    createdAt: T0,
    revokedAt: null,
    ...overrides,
  };
}

export function newIdempotency(apiKeyId: string, overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord {
  return {
    apiKeyId,
    key: randomUUID(),
    requestHash: 'e'.repeat(64),
    status: IDEMPOTENCY_IN_PROGRESS,
    responseBody: '',
    createdAt: T1,
    ...overrides,
  };
}

export function newRun(overrides: Partial<NewRun> = {}): NewRun {
  return {
    id: randomUUID(),
    kind: 'distill',
    spec: { epochs: 3, teachers: [{ version: 'resnet@1', weight: 1 }], temperature: 4 },
    model: 'student',
    maxAttempts: 3,
    createdByKeyId: null,
    idempotencyKey: null,
    createdAt: T0,
    ...overrides,
  };
}

export function newNode(overrides: Partial<NewNode> = {}): NewNode {
  const id = randomUUID();
  return {
    id,
    name: `node-${id}`,
    backend: 'tensorflow',
    device: 'cpu',
    version: '0.1.0',
    apiKeyId: null,
    capabilities: { concurrency: 1 },
    createdAt: T0,
    ...overrides,
  };
}

export function newCheckpoint(runId: string, epoch: number, overrides: Partial<NewCheckpoint> = {}): NewCheckpoint {
  const id = randomUUID();
  return {
    id,
    epoch,
    modelJson: { key: `runs/${runId}/checkpoints/${id}/model.json`, sha256: 'd'.repeat(64), size: 2048 },
    weights: { key: `runs/${runId}/checkpoints/${id}/weights.bin`, sha256: 'e'.repeat(64), size: 4_500_000_000 },
    optimizer: { key: `runs/${runId}/checkpoints/${id}/optimizer.bin`, sha256: 'f'.repeat(64), size: 9_000_000 },
    valMetric: 0.5 + epoch / 100,
    metrics: { epoch, validationAccuracy: 0.5 + epoch / 100, history: [] },
    createdAt: T0,
    ...overrides,
  };
}

/** Members following `versions` in order, each with weight 1 and no alias. */
export function membersOf(versions: ModelVersionRecord[]): EnsembleMemberRecord[] {
  return versions.map((version, position) => ({ position, modelId: version.modelId, versionId: version.id, alias: null, weight: 1 }));
}

export function newEnsemble(members: EnsembleMemberRecord[], overrides: Partial<NewEnsemble> = {}): NewEnsemble {
  const id = randomUUID();
  return {
    id,
    name: `ensemble-${id}`,
    description: '',
    aggregation: 'mean-probabilities',
    tags: {},
    members,
    createdAt: T0,
    ...overrides,
  };
}
