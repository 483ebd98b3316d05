// /v1/runs over real HTTP: train, distill and evaluate runs validated against a real registry and
// queued with their resolved spec; every refusal names the field and queues nothing; idempotency,
// scopes, listing and cancel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDistilleryClient, uploadVersion, type DistilleryClient } from '../../openapi/client';
import type { components } from '../../openapi/schema';
import { idxImages, idxLabels, smallIdxFiles } from '../registry/datasets-fixtures';
import { denseArtifactWithShape, imageClassifierArtifact, uploadForm, type UploadableArtifact } from '../support/artifacts';
import { datasetUploadForm } from '../support/requests';
import { startTestServer, type TestServer } from '../support/server';
import { createModel } from './typed-requests';

type CreateRun = components['schemas']['CreateRun'];
type Run = components['schemas']['Run'];

const LABELS = ['zero', 'one', 'two'];
/** The shape of smallIdxFiles()' images: the teachers below take it. */
const IMAGE_SHAPE = [4, 5, 1];

let server: TestServer;
let readClient: DistilleryClient;
let predictClient: DistilleryClient;
/** Version ids by `model/version`. */
const versionIds = new Map<string, string>();
let datasetId: string;

/** Registers a model and uploads `count` versions of `artifact`. */
async function registerTeacher(name: string, fields: { inputShape: number[]; classLabels: string[] }, artifact: UploadableArtifact, count = 1) {
  await createModel(server, name, { ...fields, task: 'image-classification' });
  for (let i = 1; i <= count; i += 1) {
    const { data, error } = await uploadVersion(server.client, name, uploadForm(artifact));
    if (!data) throw new Error(`uploading ${name}: ${JSON.stringify(error)}`);
    versionIds.set(`${name}/${data.version}`, data.id);
  }
}

async function registerDataset(name: string, files: Record<string, Uint8Array>, labels: string[]) {
  const form = datasetUploadForm({ name, format: 'idx', class_labels: JSON.stringify(labels) }, files);
  const response = await server.fetch('/v1/datasets', { method: 'POST', body: form });
  if (response.status !== 201) throw new Error(`registering dataset ${name}: ${await response.text()}`);
  return (await response.json()) as { id: string };
}

async function issueKey(name: string, scope: 'read' | 'predict'): Promise<DistilleryClient> {
  const { data } = await server.client.POST('/v1/keys', { body: { name, scopes: [scope] } });
  return createDistilleryClient(server.baseUrl, data!.token);
}

beforeAll(async () => {
  server = await startTestServer();
  datasetId = (await registerDataset('digits', smallIdxFiles(), LABELS)).id;
  const tinyImages = { 'train-images': idxImages(6, 2, 2), 'train-labels': idxLabels([0, 1, 2, 2, 1, 0]) };
  await registerDataset('tiny-images', tinyImages, LABELS);

  const image = { inputShape: IMAGE_SHAPE, classLabels: LABELS };
  const imageArtifact = await imageClassifierArtifact(IMAGE_SHAPE, 3);
  await registerTeacher('teacher-a', image, imageArtifact, 2);
  await registerTeacher('teacher-b', image, imageArtifact);
  await registerTeacher('teacher-archived', image, imageArtifact);
  await server.client.POST('/v1/models/{name}/versions/{version}/archive', { params: { path: { name: 'teacher-archived', version: '1' } } });
  await registerTeacher('teacher-relabelled', { inputShape: IMAGE_SHAPE, classLabels: ['x', 'y', 'z'] }, imageArtifact);
  await registerTeacher('teacher-flat', { inputShape: [20], classLabels: LABELS }, await denseArtifactWithShape(20, 3));
  await registerTeacher('teacher-four', { inputShape: IMAGE_SHAPE, classLabels: [...LABELS, 'three'] }, await imageClassifierArtifact(IMAGE_SHAPE, 4));
  await server.client.PUT('/v1/models/{name}/aliases/{alias}', {
    params: { path: { name: 'teacher-a', alias: 'production' } },
    body: { version: 1 },
  });

  const ensemble = await server.client.POST('/v1/ensembles', { body: { name: 'an-ensemble', members: [{ model: 'teacher-b', version: 1 }] } });
  if (!ensemble.data) throw new Error(`creating an-ensemble: ${JSON.stringify(ensemble.error)}`);

  readClient = await issueKey('runs-reader', 'read');
  predictClient = await issueKey('runs-predictor', 'predict');
});
afterAll(() => server.close());

const TRAIN: CreateRun = { kind: 'train', dataset: { name: 'digits' }, model: 'student', architecture: 'cnn-small', hyperparameters: { epochs: 3 } };
const DISTILL: CreateRun = {
  kind: 'distill',
  dataset: { name: 'digits', version: 1 },
  model: 'student',
  architecture: 'mlp',
  teachers: [
    { model: 'teacher-a', version: 'latest' },
    { model: 'teacher-b', version: 1 },
  ],
  aggregation: 'mean-logits',
  hyperparameters: { temperature: 4, alpha: 0.5 },
};

function createRun(body: CreateRun, client = server.client, idempotencyKey?: string) {
  return client.POST('/v1/runs', { body, params: idempotencyKey === undefined ? {} : { header: { 'Idempotency-Key': idempotencyKey } } });
}

async function queuedRun(body: CreateRun): Promise<Run> {
  const { data, error } = await createRun(body);
  if (!data) throw new Error(`creating run: ${JSON.stringify(error)}`);
  return data;
}

async function runCount(): Promise<number> {
  const { data } = await server.client.GET('/v1/runs', { params: { query: { limit: 1 } } });
  return data!.total;
}

describe('creating runs', () => {
  it('queues a train run with its resolved spec: dataset id and version, the reference defaults filled', async () => {
    const { data: run, response } = await createRun(TRAIN);
    expect(response.status).toBe(201);
    expect(run).toMatchObject({ kind: 'train', status: 'queued', attempt: 0, maxAttempts: 3, node: null, resultVersionId: null, cancelRequestedAt: null });
    expect(run!.spec).toEqual({
      dataset: { id: datasetId, name: 'digits', version: 1 },
      model: 'student',
      training: {
        architecture: 'cnn-small',
        seed: 0,
        epochs: 3,
        batchSize: 128,
        optimizer: expect.any(Object),
        lrSchedule: { name: 'constant' },
        augmentation: false,
        normalization: expect.anything(),
        validationFraction: expect.any(Number),
        splitSeed: expect.any(Number),
      },
    });
    const read = await readClient.GET('/v1/runs/{id}', { params: { path: { id: run!.id } } });
    expect(read.data).toEqual(run);
    expect(Object.keys(run!)).not.toContain('fencingToken');
    expect(Object.keys(run!)).not.toContain('idempotencyKey');
  });

  it('queues a distill run naming each teacher by version id, resolving `latest` and aliases', async () => {
    const run = await queuedRun({ ...DISTILL, maxAttempts: 5 });
    expect(run).toMatchObject({ kind: 'distill', status: 'queued', attempt: 0, maxAttempts: 5 });
    expect(run.spec.teachers).toEqual([
      { versionId: versionIds.get('teacher-a/2'), model: 'teacher-a', version: 2, weight: null },
      { versionId: versionIds.get('teacher-b/1'), model: 'teacher-b', version: 1, weight: null },
    ]);
    expect(run.spec.training).toMatchObject({ architecture: 'mlp', temperature: 4, alpha: 0.5, aggregation: 'mean-logits', epochs: 10 });

    const aliased = await queuedRun({ ...DISTILL, teachers: [{ model: 'teacher-a', version: 'production', weight: 2 }, { model: 'teacher-b', version: '1', weight: 1 }], aggregation: 'weighted' });
    expect((aliased.spec.teachers as { versionId: string }[]).map((t) => t.versionId)).toEqual([versionIds.get('teacher-a/1'), versionIds.get('teacher-b/1')]);
    expect(aliased.spec.training).toMatchObject({ aggregation: 'weighted', teacherWeights: [2, 1] });
  });

  it('queues an evaluate run of an existing version that fits the dataset', async () => {
    const run = await queuedRun({ kind: 'evaluate', dataset: { name: 'digits' }, version: { model: 'teacher-b', version: 1 } });
    const versionId = versionIds.get('teacher-b/1');
    expect(run.spec).toEqual({
      dataset: { id: datasetId, name: 'digits', version: 1 },
      split: 'test',
      members: [{ versionId, model: 'teacher-b', version: 1, weight: 1, normalization: { mean: [0.5], std: [0.5] } }],
      aggregation: 'mean-probabilities',
      version: { id: versionId, model: 'teacher-b', version: 1 },
    });
  });
});

const teachers = (...refs: [string, number | string][]) => refs.map(([model, version]) => ({ model, version }));

/** Each: what is wrong, the request, the field the 422 must name. */
const REFUSED: [string, CreateRun, string][] = [
  ['an unknown dataset', { ...TRAIN, dataset: { name: 'no-such-data' } }, 'dataset.name'],
  ['an unknown dataset version', { ...TRAIN, dataset: { name: 'digits', version: 9 } }, 'dataset.version'],
  ['an unknown teacher model', { ...DISTILL, teachers: teachers(['teacher-a', 1], ['nobody', 1]) }, 'teachers[1].model'],
  ['an unknown teacher version', { ...DISTILL, teachers: teachers(['teacher-a', 7]) }, 'teachers[0].version'],
  ['an unknown teacher alias', { ...DISTILL, teachers: teachers(['teacher-a', 'staging']) }, 'teachers[0].version'],
  ['an archived teacher', { ...DISTILL, teachers: teachers(['teacher-a', 1], ['teacher-archived', 1]) }, 'teachers[1].version'],
  ['teachers disagreeing on class labels', { ...DISTILL, teachers: teachers(['teacher-a', 1], ['teacher-relabelled', 1]) }, 'teachers[1].model'],
  ['teachers disagreeing on input shape', { ...DISTILL, teachers: teachers(['teacher-a', 1], ['teacher-flat', 1]) }, 'teachers[1].model'],
  ['a teacher whose input shape is not the dataset shape', { ...DISTILL, teachers: teachers(['teacher-flat', 1]) }, 'teachers[0].model'],
  ['a teacher whose class count is not the dataset one', { ...DISTILL, teachers: teachers(['teacher-four', 1]) }, 'teachers[0].model'],
  ['the same teacher twice', { ...DISTILL, teachers: teachers(['teacher-a', 1], ['teacher-a', 'production']) }, 'teachers[1]'],
  ['an unknown architecture', { ...TRAIN, architecture: 'vgg16' as never }, 'architecture'],
  ['an architecture the images are too small for', { ...TRAIN, dataset: { name: 'tiny-images' } }, 'architecture'],
  ['negative epochs', { ...TRAIN, hyperparameters: { epochs: -1 } }, 'hyperparameters.epochs'],
  ['absurd epochs', { ...TRAIN, hyperparameters: { epochs: 1e9 } }, 'hyperparameters.epochs'],
  ['batch size 0', { ...TRAIN, hyperparameters: { batchSize: 0 } }, 'hyperparameters.batchSize'],
  ['a negative learning rate', { ...TRAIN, hyperparameters: { optimizer: { name: 'adam', learningRate: -1 } } }, 'hyperparameters.optimizer.learningRate'],
  ['a misspelt optimizer setting', { ...TRAIN, hyperparameters: { optimizer: { name: 'adam', lr: 0.1 } } }, 'hyperparameters.optimizer.lr'],
  ['alpha above 1', { ...DISTILL, hyperparameters: { alpha: 1.5 } }, 'hyperparameters.alpha'],
  ['a distill setting on a train run', { ...TRAIN, hyperparameters: { temperature: 4 } }, 'hyperparameters.temperature'],
  ['a misspelt hyperparameter', { ...TRAIN, hyperparameters: { epoch: 3 } }, 'hyperparameters.epoch'],
  ['an unknown aggregation', { ...DISTILL, aggregation: 'median' as never }, 'aggregation'],
  ['weighted aggregation without weights', { ...DISTILL, aggregation: 'weighted' }, 'teachers'],
  ['weights on some teachers only', { ...DISTILL, teachers: [{ model: 'teacher-a', version: 1, weight: 1 }, { model: 'teacher-b', version: 1 }] }, 'teachers[1].weight'],
  ['a distill run without teachers', { ...DISTILL, teachers: undefined }, 'teachers'],
  ['teachers on a train run', { ...TRAIN, teachers: teachers(['teacher-a', 1]) }, 'teachers'],
  ['an invalid result model name', { ...TRAIN, model: 'Not A Name' }, 'model'],
  ['a result model that cannot hold the dataset classes', { ...TRAIN, model: 'teacher-four' }, 'model'],
  ["an ensemble's name as the result model", { ...TRAIN, model: 'an-ensemble' }, 'model'],
  ['an evaluated version that does not exist', { kind: 'evaluate', dataset: { name: 'digits' }, version: { model: 'teacher-b', version: 3 } }, 'version.version'],
  ['an evaluated version that does not fit the dataset', { kind: 'evaluate', dataset: { name: 'digits' }, version: { model: 'teacher-flat', version: 1 } }, 'version'],
  ['an unknown init model', { ...TRAIN, init: { model: 'nobody', version: 1 } }, 'init.model'],
  ['an unknown init version', { ...TRAIN, init: { model: 'teacher-a', version: 7 } }, 'init.version'],
  ['an archived init version', { ...DISTILL, init: { model: 'teacher-archived', version: 1 } }, 'init.version'],
  ['an init version that does not fit the dataset', { ...TRAIN, init: { model: 'teacher-flat', version: 1 } }, 'init.model'],
  ['an init version on an evaluate run', { kind: 'evaluate', dataset: { name: 'digits' }, version: { model: 'teacher-b', version: 1 }, init: { model: 'teacher-a', version: 1 } }, 'init'],
  ['maxAttempts 0', { ...TRAIN, maxAttempts: 0 }, 'maxAttempts'],
  ['maxAttempts above 10', { ...TRAIN, maxAttempts: 11 }, 'maxAttempts'],
];

describe('refusals', () => {
  it.each(REFUSED)('refuses %s with a 422 naming the field, queueing nothing', async (_, body, path) => {
    const before = await runCount();
    const { response, error } = await createRun(body);
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(error!.errors).toContainEqual(expect.objectContaining({ in: 'body', path }));
    expect(await runCount()).toBe(before);
  });
});

describe('idempotency', () => {
  it('gives the same run for the same key and body, and refuses the key with another body', async () => {
    const before = await runCount();
    const first = await createRun(TRAIN, server.client, 'train-once');
    const again = await createRun(TRAIN, server.client, 'train-once');
    expect(first.response.status).toBe(201);
    expect(again.response.status).toBe(201);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    expect(again.data!.id).toBe(first.data!.id);
    const other = await createRun({ ...TRAIN, hyperparameters: { epochs: 4 } }, server.client, 'train-once');
    expect(other.response.status).toBe(422);
    expect(await runCount()).toBe(before + 1);
  });

  it('returns the run a key already started only when it is the same request, even without a recorded response', async () => {
    // As if the first request queued its run but its response was never recorded (the server stopped).
    const { data: keys } = await server.client.GET('/v1/keys');
    const adminKeyId = keys!.items.find((key) => key.scopes.includes('admin'))!.id;
    const first = await queuedRun(TRAIN);
    const { run: stored } = await server.deps.repo.enqueueRun({
      id: crypto.randomUUID(), kind: 'train', spec: first.spec, model: first.spec.model as string, maxAttempts: 3, createdByKeyId: adminKeyId, idempotencyKey: 'unrecorded', createdAt: new Date().toISOString(),
    });
    const before = await runCount();

    const other = await createRun({ ...TRAIN, hyperparameters: { epochs: 5 } }, server.client, 'unrecorded');
    expect(other.response.status).toBe(422);
    expect(other.error).toMatchObject({ runId: stored.id });
    expect(other.error!.type).toContain('idempotency-key-reused');
    const same = await createRun(TRAIN, server.client, 'unrecorded');
    expect(same.response.status).toBe(201);
    expect(same.data!.id).toBe(stored.id);
    expect(await runCount()).toBe(before);
  });
});

describe('scopes', () => {
  it('lets neither a read nor a predict key start a run, and lets a read key list and read runs', async () => {
    const before = await runCount();
    expect((await createRun(TRAIN, readClient)).response.status).toBe(403);
    expect((await createRun(TRAIN, predictClient)).response.status).toBe(403);
    expect(await runCount()).toBe(before);
    const listed = await readClient.GET('/v1/runs');
    expect(listed.response.status).toBe(200);
    expect(listed.data!.total).toBe(before);
    expect((await predictClient.GET('/v1/runs')).response.status).toBe(403);
  });
});

describe('listing', () => {
  it('filters by status and kind, newest first, and pages', async () => {
    const evaluate = await queuedRun({ kind: 'evaluate', dataset: { name: 'digits' }, version: { model: 'teacher-a', version: 'latest' } });
    const { data: evaluations } = await server.client.GET('/v1/runs', { params: { query: { kind: 'evaluate' } } });
    expect(evaluations!.items.every((run) => run.kind === 'evaluate')).toBe(true);
    expect(evaluations!.items[0]!.id).toBe(evaluate.id);

    await server.client.POST('/v1/runs/{id}/cancel', { params: { path: { id: evaluate.id } } });
    const { data: cancelled } = await server.client.GET('/v1/runs', { params: { query: { status: 'cancelled', kind: 'evaluate' } } });
    expect(cancelled!.items.map((run) => run.id)).toContain(evaluate.id);
    expect(cancelled!.items.every((run) => run.status === 'cancelled')).toBe(true);

    const { data: page } = await server.client.GET('/v1/runs', { params: { query: { limit: 2, offset: 1 } } });
    expect(page).toMatchObject({ limit: 2, offset: 1, total: await runCount() });
    expect(page!.items).toHaveLength(2);
  });

  it('refuses a non-canonical limit and an unknown status with a 422 naming the parameter', async () => {
    for (const [query, path] of [['limit=01', 'limit'], ['status=paused', 'status']] as const) {
      const response = await server.fetch(`/v1/runs?${query}`);
      expect(response.status).toBe(422);
      expect(((await response.json()) as { errors: { path: string }[] }).errors).toContainEqual(expect.objectContaining({ in: 'query', path }));
    }
  });
});

/**
 * Claims queued runs (oldest first) on a node registered with the real store until `queued` is
 * running: the node routes that will do this over HTTP come with the training nodes.
 */
async function runningOnANode(queued: Run) {
  const now = new Date().toISOString();
  const leaseUntil = new Date(Date.now() + 60_000).toISOString();
  const { repo } = server.deps;
  const node = await repo.registerNode({
    id: crypto.randomUUID(), name: `node-${queued.id}`, backend: 'cpu', device: 'cpu', version: 'test', apiKeyId: null, capabilities: {}, createdAt: now,
  });
  for (;;) {
    const claimed = await repo.claimRun(node.id, leaseUntil, now);
    if (!claimed) throw new Error(`run ${queued.id} was never claimed`);
    if (claimed.id === queued.id) return { run: claimed, node, leaseUntil };
  }
}

describe('cancel', () => {
  const cancel = (id: string) => server.client.POST('/v1/runs/{id}/cancel', { params: { path: { id } } });

  it('cancels a queued run at once; cancelling it again returns it unchanged', async () => {
    const run = await queuedRun(TRAIN);
    const cancelled = await cancel(run.id);
    expect(cancelled.response.status).toBe(200);
    expect(cancelled.data).toMatchObject({ id: run.id, status: 'cancelled', attempt: 0 });
    expect(cancelled.data!.finishedAt).not.toBeNull();

    const twice = await cancel(run.id);
    expect(twice.response.status).toBe(200);
    expect(twice.data).toEqual(cancelled.data);
  });

  it('asks a running run to stop, keeping it running on its node; the node and lease show, the token never', async () => {
    const { run, node, leaseUntil } = await runningOnANode(await queuedRun(TRAIN));
    const asked = await cancel(run.id);
    expect(asked.response.status).toBe(200);
    expect(asked.data).toMatchObject({ status: 'running', attempt: 1, node: node.id, leaseExpiresAt: leaseUntil });
    expect(asked.data!.cancelRequestedAt).not.toBeNull();
    expect(Object.keys(asked.data!)).not.toContain('fencingToken');
  });

  it('refuses to cancel a finished run with a 409 naming its status', async () => {
    const { run } = await runningOnANode(await queuedRun(TRAIN));
    await server.deps.repo.failRun(run.id, run.fencingToken, { type: 'test', message: 'stopped by the test' }, new Date().toISOString());

    const refused = await cancel(run.id);
    expect(refused.response.status).toBe(409);
    expect(refused.error).toMatchObject({ type: expect.stringContaining('conflict'), runStatus: 'failed' });
    expect((await server.client.GET('/v1/runs/{id}', { params: { path: { id: run.id } } })).data).toMatchObject({ status: 'failed', cancelRequestedAt: null });
  });

  it('answers 404 for an unknown run', async () => {
    expect((await cancel('no-such-run')).response.status).toBe(404);
    expect((await server.client.GET('/v1/runs/{id}', { params: { path: { id: 'no-such-run' } } })).response.status).toBe(404);
  });
});
