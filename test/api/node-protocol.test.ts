// The node protocol over real HTTP (docs/node-protocol.md): nodes register and claim runs with a
// lease and a fencing token, heartbeat, report progress and finish; completion registers the best
// checkpoint (a real tfjs Layers checkpoint) once, with its lineage; an expired lease re-queues the
// run and the next attempt resumes from the latest checkpoint; a stale token changes nothing.
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadVersion } from '../../openapi/client';
import { teacherOutputsKey } from '../../src/registry/teacher-outputs';
import { serializeModel } from '../../src/training/checkpoint';
import { smallIdxFiles } from '../registry/datasets-fixtures';
import { toArtifact, uploadForm } from '../support/artifacts';
import { createManualClock, type ManualClock } from '../support/clock';
import { datasetUploadForm } from '../support/requests';
import { startTestServer, type TestServer, type TestServerOptions } from '../support/server';
import { POSTGRES_SKIP_MESSAGE, postgresAdminUrl, startPostgresTestServer } from './postgres-test-server';
import { createModel } from './typed-requests';

const LABELS = ['zero', 'one', 'two'];
const IMAGE_SHAPE = [4, 5, 1];
const LEASE_SECONDS = 30;

let server: TestServer;
let clock: ManualClock;
let nodeKey: string;
let otherNodeKey: string;
let predictKey: string;
let datasetId: string;
const teacherIds: Record<string, string> = {};

type Json = Record<string, any>;

async function call(method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await server.fetch(path, init, key);
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as Json };
}

async function issueKey(name: string, scopes: string[]): Promise<string> {
  return (await call('POST', '/v1/keys', server.adminKey, { name, scopes })).body.token as string;
}

function classifier(): tf.LayersModel {
  return tf.sequential({ layers: [tf.layers.flatten({ inputShape: IMAGE_SHAPE }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
}

async function registerTeacher(name: string, params: Json) {
  await createModel(server, name, { inputShape: IMAGE_SHAPE, classLabels: LABELS, task: 'image-classification' });
  const model = classifier();
  const artifact = await toArtifact(model);
  model.dispose();
  const { data, error } = await uploadVersion(server.client, name, uploadForm(artifact, { params }));
  if (!data) throw new Error(JSON.stringify(error));
  teacherIds[name] = data.id;
}

async function registerNode(name: string, key = nodeKey) {
  return call('POST', '/v1/nodes', key, { name, backend: 'cpu', device: 'cpu', version: '0.1.0' });
}

async function createRun(body: Json) {
  const created = await call('POST', '/v1/runs', server.adminKey, body);
  expect(created.status).toBe(201);
  return created.body;
}

/** Claims until the run `runId` is handed out (other tests may have left runs queued: those are failed). */
async function claimRun(nodeId: string, runId: string, key = nodeKey): Promise<Json> {
  for (;;) {
    const claimed = await call('POST', `/v1/nodes/${nodeId}/claim`, key);
    expect(claimed.status).toBe(200);
    if (claimed.body.run.id === runId) return claimed.body;
    await call('POST', `/v1/runs/${claimed.body.run.id}/fail`, key, { fencingToken: claimed.body.fencingToken, error: { type: 'test', message: 'not this one' } });
  }
}

/** Stores a real tfjs Layers checkpoint for the run's current attempt, as the upload routes will. */
async function recordCheckpoint(runId: string, fencingToken: number, epoch: number, valMetric: number, best: boolean) {
  const model = classifier();
  const artifacts = await serializeModel(model);
  model.dispose();
  const { blobs, repo } = server.deps;
  const attempt = (await repo.getRun(runId))!.attempt;
  const prefix = `runs/${runId}/attempts/${attempt}/checkpoints/${epoch}/`;
  const modelJson = await blobs.put(`${prefix}model.json`, new TextEncoder().encode(JSON.stringify(artifacts.modelJson)));
  const weights = await blobs.put(`${prefix}weights.bin`, artifacts.weights);
  const optimizer = await blobs.put(`${prefix}optimizer.bin`, new Uint8Array([1, 2, 3]));
  const metrics = { epoch, validationAccuracy: valMetric, isBest: best, bestEpoch: epoch, history: [] };
  const checkpoint = await repo.recordCheckpoint(runId, fencingToken, { id: crypto.randomUUID(), epoch, modelJson, weights, optimizer, valMetric, metrics, createdAt: clock.now().toISOString() });
  if (best) await repo.markBestCheckpoint(runId, fencingToken, checkpoint.id);
  return { checkpoint, weightsSha: weights.sha256 };
}

const distillRun = (model: string) => ({
  kind: 'distill',
  dataset: { name: 'digits' },
  model,
  architecture: 'mlp',
  teachers: [
    { model: 'teacher-a', version: 1, weight: 3 },
    { model: 'teacher-b', version: 1, weight: 1 },
  ],
  hyperparameters: { epochs: 4, temperature: 2, alpha: 0.5 },
});

/** The whole protocol on one database: SQLite always, PostgreSQL when DATABASE_TEST_URL is set. */
function protocolSuite(database: string, start: (options: TestServerOptions) => Promise<TestServer>): void {
  describe(`on ${database}`, () => {
    beforeAll(async () => {
      clock = createManualClock(new Date('2026-12-01T10:00:00.000Z'));
      server = await start({ clock, config: { leaseSeconds: LEASE_SECONDS, heartbeatSeconds: 10 } });
      const form = datasetUploadForm({ name: 'digits', format: 'idx', class_labels: JSON.stringify(LABELS) }, smallIdxFiles());
      const dataset = await server.fetch('/v1/datasets', { method: 'POST', body: form });
      datasetId = ((await dataset.json()) as Json).id;
      await registerTeacher('teacher-a', { architecture: 'mlp' });
      await registerTeacher('teacher-b', { architecture: 'cnn-small' });
      nodeKey = await issueKey('node-1', ['node']);
      otherNodeKey = await issueKey('node-2', ['node']);
      predictKey = await issueKey('predictor', ['predict']);
    });
    afterAll(async () => {
      await server?.close();
    });

    describe('registering nodes', () => {
      it('registers a node once: the same name again is 200 with the same id; another key cannot take the name', async () => {
        const first = await registerNode('alpha');
        expect(first.status).toBe(201);
        expect(first.body).toMatchObject({ name: 'alpha', backend: 'cpu', device: 'cpu', version: '0.1.0', capabilities: {} });
        const again = await call('POST', '/v1/nodes', nodeKey, { name: 'alpha', backend: 'wasm', device: 'cpu', version: '0.2.0', capabilities: { concurrency: 2 } });
        expect(again.status).toBe(200);
        expect(again.body).toMatchObject({ id: first.body.id, backend: 'wasm', version: '0.2.0', capabilities: { concurrency: 2 } });
        const taken = await registerNode('alpha', otherNodeKey);
        expect(taken.status).toBe(403);
        const listed = await call('GET', '/v1/nodes', server.adminKey);
        expect(listed.body.items.find((node: Json) => node.name === 'alpha')).toMatchObject({ id: first.body.id, backend: 'wasm', currentRunIds: [] });
      });

      it('refuses unknown fields, and a claim for an unknown node or a node of another key', async () => {
        const unknown = await call('POST', '/v1/nodes', nodeKey, { name: 'x', backend: 'cpu', device: 'cpu', version: '1', gpu: true });
        expect(unknown.status).toBe(422);
        expect((await call('GET', '/v1/nodes', server.adminKey)).body.items.map((node: Json) => node.name)).not.toContain('x');
        expect((await call('POST', `/v1/nodes/${crypto.randomUUID()}/claim`, nodeKey)).status).toBe(404);
        const mine = (await registerNode('beta')).body;
        const refused = await call('POST', `/v1/nodes/${mine.id}/claim`, otherNodeKey);
        expect(refused.status).toBe(403);
        expect(refused.body.type).toMatch(/forbidden/);
      });
    });

    describe('scopes', () => {
      it('a predict key cannot start runs; a node key can neither start nor list them', async () => {
        expect((await call('POST', '/v1/runs', predictKey, distillRun('s'))).status).toBe(403);
        expect((await call('POST', '/v1/runs', nodeKey, distillRun('s'))).status).toBe(403);
        expect((await call('GET', '/v1/runs', nodeKey)).status).toBe(403);
        expect((await call('GET', '/v1/runs?model=s', server.adminKey)).body.total).toBe(0);
      });
    });

    describe('a distill run from claim to registered version', () => {
      it('claims with inputs, heartbeats, reports progress, completes once and registers the best checkpoint with its lineage', async () => {
        const node = (await registerNode('gamma')).body;
        const run = await createRun(distillRun('student'));
        expect(run).toMatchObject({ model: 'student', progress: null, result: null });
        const assignment = await claimRun(node.id, run.id);
        expect(assignment).toMatchObject({ run: { id: run.id, status: 'running', attempt: 1, node: node.id }, leaseSeconds: LEASE_SECONDS, heartbeatSeconds: 10 });
        expect(assignment.leaseExpiresAt).toBe(new Date(clock.now().getTime() + LEASE_SECONDS * 1000).toISOString());
        const { inputs, fencingToken } = assignment;
        expect(inputs.dataset).toMatchObject({ id: datasetId, name: 'digits', version: 1, format: 'idx', classLabels: LABELS, shape: IMAGE_SHAPE });
        expect(inputs.dataset.files.map((file: Json) => file.role).sort()).toEqual(['test-images', 'test-labels', 'train-images', 'train-labels']);
        const key = await teacherOutputsKey({ teacherVersionId: teacherIds['teacher-a']!, datasetId, normalization: { mean: [0.5], std: [0.5] } });
        expect(inputs.teachers).toEqual([
          expect.objectContaining({ versionId: teacherIds['teacher-a'], model: 'teacher-a', version: 1, weight: 3, outputs: { key, cached: null } }),
          expect.objectContaining({ versionId: teacherIds['teacher-b'], weight: 1 }),
        ]);
        expect(inputs).toMatchObject({ init: null, members: [], resume: null });

        // Inputs download through the API with the fencing token, verified bytes; without the current token, 409.
        const trainImages = inputs.dataset.files.find((file: Json) => file.role === 'train-images');
        expect(trainImages.url).toBe(`/v1/runs/${run.id}/inputs/dataset.train-images`);
        const download = await server.fetch(trainImages.url, { headers: { 'Distillery-Fencing-Token': String(fencingToken) } }, nodeKey);
        expect(download.status).toBe(200);
        const bytes = new Uint8Array(await download.arrayBuffer());
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(trainImages.sha256);
        expect(bytes).toEqual(smallIdxFiles()['train-images']);
        const teacherWeights = await server.fetch(inputs.teachers[1].weights.url, { headers: { 'Distillery-Fencing-Token': String(fencingToken) } }, nodeKey);
        expect(createHash('sha256').update(new Uint8Array(await teacherWeights.arrayBuffer())).digest('hex')).toBe(inputs.teachers[1].weights.sha256);
        expect((await server.fetch(trainImages.url, { headers: { 'Distillery-Fencing-Token': String(fencingToken + 1) } }, nodeKey)).status).toBe(409);
        expect((await server.fetch(trainImages.url, { headers: { 'Distillery-Fencing-Token': String(fencingToken) } }, otherNodeKey)).status).toBe(403);
        expect((await server.fetch(`/v1/runs/${run.id}/inputs/nothing`, { headers: { 'Distillery-Fencing-Token': String(fencingToken) } }, nodeKey)).status).toBe(404);

        clock.advance(5_000);
        const beat = await call('POST', `/v1/runs/${run.id}/heartbeat`, nodeKey, { fencingToken });
        expect(beat.body).toEqual({ leaseExpiresAt: new Date(clock.now().getTime() + LEASE_SECONDS * 1000).toISOString(), cancelRequested: false });
        expect((await call('POST', `/v1/runs/${run.id}/heartbeat`, otherNodeKey, { fencingToken })).status).toBe(403);
        expect((await call('POST', `/v1/runs/${run.id}/heartbeat`, nodeKey, { fencingToken, extra: 1 })).status).toBe(422);

        const events = await call('POST', `/v1/runs/${run.id}/events`, nodeKey, {
          fencingToken,
          events: [
            { kind: 'epoch', epoch: 1, metrics: { trainLoss: 0.9, validationAccuracy: 0.5, epochs: 4, seconds: 1 } },
            { kind: 'batch', epoch: 2, metrics: { batch: 3, batches: 8, loss: 0.7 } },
          ],
        });
        expect(events.status).toBe(201);
        expect(events.body.items).toEqual([expect.objectContaining({ kind: 'epoch', attempt: 1, epoch: 1 }), expect.objectContaining({ kind: 'batch', epoch: 2 })]);
        expect((await call('GET', `/v1/runs/${run.id}`, server.adminKey)).body.progress).toEqual({ epoch: 2, epochs: 4, batch: 3, batches: 8, loss: 0.7 });

        await recordCheckpoint(run.id, fencingToken, 1, 0.6, false);
        const best = await recordCheckpoint(run.id, fencingToken, 2, 0.8, true);
        await recordCheckpoint(run.id, fencingToken, 3, 0.7, false);

        const metrics = { validation_accuracy: 0.8, test_accuracy: 0.75, test_nll: 0.6, test_ece: 0.05 };
        const [completed, raced] = await Promise.all([
          call('POST', `/v1/runs/${run.id}/complete`, nodeKey, { fencingToken, metrics }),
          call('POST', `/v1/runs/${run.id}/complete`, nodeKey, { fencingToken, metrics }),
        ]);
        expect(completed.status).toBe(200);
        expect(raced).toEqual(completed);
        expect(completed.body).toMatchObject({ status: 'succeeded', result: metrics, resultVersionId: expect.any(String) });
        const retried = await call('POST', `/v1/runs/${run.id}/complete`, nodeKey, { fencingToken, metrics });
        expect(retried).toEqual(completed);

        const versions = (await call('GET', '/v1/models/student/versions', server.adminKey)).body;
        expect(versions.items).toHaveLength(1);
        const version = versions.items[0];
        expect(version).toMatchObject({ id: completed.body.resultVersionId, version: 1, metrics, sourceRunId: run.id, params: { architecture: 'mlp', epochs: 4, temperature: 2, alpha: 0.5, dataset: { id: datasetId, name: 'digits', version: 1 } } });
        const model = (await call('GET', '/v1/models/student', server.adminKey)).body;
        expect(model).toMatchObject({ inputShape: IMAGE_SHAPE, classLabels: LABELS });
        const weightsFile = await server.fetch('/v1/models/student/versions/1/files/weights.bin', {}, server.adminKey);
        expect(createHash('sha256').update(new Uint8Array(await weightsFile.arrayBuffer())).digest('hex')).toBe(best.weightsSha);

        const lineage = (await call('GET', '/v1/models/student/versions/1/lineage?direction=ancestors&depth=1', server.adminKey)).body;
        const edges = lineage.edges.map((edge: Json) => ({ parent: edge.parentVersionId ?? edge.parent, relation: edge.relation, weight: edge.weight, method: edge.method, params: edge.params, runId: edge.runId, datasetId: edge.datasetId }));
        expect(edges).toHaveLength(2);
        const common = { relation: 'teacher', method: 'knowledge-distillation', params: { temperature: 2, alpha: 0.5, aggregation: 'mean-probabilities' }, runId: run.id, datasetId };
        expect(edges).toEqual(expect.arrayContaining([
          expect.objectContaining({ ...common, weight: 0.75 }),
          expect.objectContaining({ ...common, weight: 0.25 }),
        ]));

        // After completion every write with the token is stale, and nothing changes.
        const after = (await call('GET', `/v1/runs/${run.id}`, server.adminKey)).body;
        expect((await call('POST', `/v1/runs/${run.id}/heartbeat`, nodeKey, { fencingToken })).body.type).toMatch(/stale-lease/);
        expect((await call('POST', `/v1/runs/${run.id}/fail`, nodeKey, { fencingToken, error: { type: 'late', message: 'late' } })).status).toBe(409);
        expect((await call('POST', `/v1/runs/${run.id}/cancel`, server.adminKey)).status).toBe(409);
        expect((await call('GET', `/v1/runs/${run.id}`, server.adminKey)).body).toEqual(after);
        expect((await call('GET', '/v1/runs?model=student', server.adminKey)).body.items.map((item: Json) => item.id)).toEqual([run.id]);
      });

      it('calls a distillation from one teacher of the student architecture self-distillation, and records the init version', async () => {
        const node = (await registerNode('delta')).body;
        const run = await createRun({ kind: 'distill', dataset: { name: 'digits' }, model: 'self-student', architecture: 'mlp', teachers: [{ model: 'teacher-a', version: 1 }], init: { model: 'teacher-a', version: 1 }, hyperparameters: { epochs: 1 } });
        expect(run.spec.init).toEqual({ versionId: teacherIds['teacher-a'], model: 'teacher-a', version: 1 });
        const { fencingToken, inputs } = await claimRun(node.id, run.id);
        expect(inputs.init).toMatchObject({ versionId: teacherIds['teacher-a'], modelJson: { url: `/v1/runs/${run.id}/inputs/init.model.json` } });
        await recordCheckpoint(run.id, fencingToken, 1, 0.5, true);
        expect((await call('POST', `/v1/runs/${run.id}/complete`, nodeKey, { fencingToken, metrics: { test_accuracy: 0.5 } })).status).toBe(200);
        const lineage = (await call('GET', '/v1/models/self-student/versions/1/lineage?direction=ancestors&depth=1', server.adminKey)).body;
        expect(lineage.edges.map((edge: Json) => [edge.relation, edge.weight, edge.method])).toEqual(expect.arrayContaining([['teacher', 1, 'self-distillation'], ['init', null, null]]));
      });
    });

    describe('losing a lease', () => {
      it('re-queues an expired run; attempt 2 resumes from the latest checkpoint, and the dead token is refused with nothing changed', async () => {
        const node = (await registerNode('epsilon')).body;
        const run = await createRun({ ...distillRun('resumed'), maxAttempts: 2 });
        const first = await claimRun(node.id, run.id);
        await recordCheckpoint(run.id, first.fencingToken, 1, 0.7, true);
        const latest = await recordCheckpoint(run.id, first.fencingToken, 2, 0.6, false);

        clock.advance((LEASE_SECONDS + 1) * 1000);
        // Swept back into the queue (as any claim does first), it is held by nobody: a late write is stale.
        await server.deps.repo.requeueExpiredRuns(clock.now().toISOString());
        const queued = await call('POST', `/v1/runs/${run.id}/heartbeat`, nodeKey, { fencingToken: first.fencingToken });
        expect([queued.status, queued.body.type]).toEqual([409, expect.stringMatching(/stale-lease/)]);
        expect((await call('GET', `/v1/runs/${run.id}`, server.adminKey)).body).toMatchObject({ status: 'queued', attempt: 1, node: null });
        const second = await claimRun(node.id, run.id);
        const listed = (await call('GET', '/v1/nodes', server.adminKey)).body.items;
        expect(listed.find((item: Json) => item.id === node.id).currentRunIds).toEqual([run.id]);
        expect(second.run).toMatchObject({ attempt: 2, status: 'running' });
        expect(second.fencingToken).toBeGreaterThan(first.fencingToken);
        expect(second.inputs.resume).toMatchObject({ checkpointId: latest.checkpoint.id, attempt: 1, epoch: 2, metrics: { epoch: 2, validationAccuracy: 0.6 }, best: { epoch: 1, metrics: { validationAccuracy: 0.7 } } });
        expect(second.inputs.resume.optimizer.url).toBe(`/v1/runs/${run.id}/inputs/resume.optimizer.bin`);

        const before = (await call('GET', `/v1/runs/${run.id}`, server.adminKey)).body;
        const late = [
          await call('POST', `/v1/runs/${run.id}/heartbeat`, nodeKey, { fencingToken: first.fencingToken }),
          await call('POST', `/v1/runs/${run.id}/events`, nodeKey, { fencingToken: first.fencingToken, events: [{ kind: 'log', message: 'late' }] }),
          await call('POST', `/v1/runs/${run.id}/complete`, nodeKey, { fencingToken: first.fencingToken, metrics: { test_accuracy: 1 } }),
          await call('POST', `/v1/runs/${run.id}/fail`, nodeKey, { fencingToken: first.fencingToken, error: { type: 'late', message: 'late' } }),
        ];
        expect(late.map((response) => [response.status, response.body.type])).toEqual(late.map(() => [409, expect.stringMatching(/stale-lease/)]));
        expect((await call('GET', `/v1/runs/${run.id}`, server.adminKey)).body).toEqual(before);
        expect((await call('GET', '/v1/models/resumed', server.adminKey)).status).toBe(404);

        // The last allowed attempt's lease expires too: the run fails, saying why.
        clock.advance((LEASE_SECONDS + 1) * 1000);
        expect((await call('POST', `/v1/nodes/${node.id}/claim`, nodeKey)).status).toBe(204);
        expect((await call('GET', `/v1/runs/${run.id}`, server.adminKey)).body).toMatchObject({ status: 'failed', attempt: 2, error: { type: 'attempts-exhausted' } });
      });
    });

    describe('evaluate, fail and cancel', () => {
      it('records an evaluate run\'s evaluation and its numbers as its result; a failure keeps its reason; a cancel is seen on heartbeat and confirmed', async () => {
        const node = (await registerNode('zeta')).body;
        const evaluation = await createRun({ kind: 'evaluate', dataset: { name: 'digits' }, version: { model: 'teacher-b', version: 1 } });
        const claimed = await claimRun(node.id, evaluation.id);
        expect(claimed.inputs.members).toEqual([expect.objectContaining({ versionId: teacherIds['teacher-b'], model: 'teacher-b', version: 1 })]);
        const complete = (body: Json) => call('POST', `/v1/runs/${evaluation.id}/complete`, nodeKey, { fencingToken: claimed.fencingToken, metrics: { accuracy: 0.4 }, ...body });
        const score = { count: 5, accuracy: 0.4, nll: 1.2, ece: 0.3 };
        const report = {
          ...score,
          reliability: [{ lower: 0, upper: 1, count: 5, accuracy: 0.4, confidence: 0.7 }],
          perClassAccuracy: [0, 1, 2].map((c) => ({ class: c, label: String(c), count: [2, 2, 1][c], accuracy: [0.5, 0.5, 0][c] })),
          confusionMatrix: [[1, 1, 0], [0, 1, 1], [1, 0, 0]],
          members: [{ versionId: teacherIds['teacher-b'], ...score }],
        };
        expect((await complete({})).status).toBe(422);
        expect((await complete({ evaluation: { ...report, members: [{ ...report.members[0], versionId: 'another' }] } })).status).toBe(422);
        expect((await complete({ evaluation: { ...report, confusionMatrix: [[1]] } })).status).toBe(422);
        expect((await call('GET', `/v1/runs/${evaluation.id}`, server.adminKey)).body.status).toBe('running');
        const done = await complete({ evaluation: report });
        expect(done.body).toMatchObject({ status: 'succeeded', resultVersionId: null, result: score, model: 'teacher-b' });
        expect((await complete({ evaluation: { ...report, accuracy: 0.9 } })).body.result).toEqual(score);
        expect((await call('GET', `/v1/evaluations/${evaluation.id}`, server.adminKey)).body).toMatchObject({ status: 'succeeded', metrics: score, memberMetrics: null });

        // An ensemble deleted while its evaluation runs: the evaluation is stored under its name.
        const { repo } = server.deps;
        const teacherModels = await Promise.all(['teacher-a', 'teacher-b'].map(async (name) => (await repo.getModelByName(name))!));
        const ensemble = await repo.createEnsemble({
          id: crypto.randomUUID(), name: 'short-lived', description: '', aggregation: 'mean-logits', tags: {}, createdAt: new Date().toISOString(),
          members: teacherModels.map((model, position) => ({ position, modelId: model.id, versionId: teacherIds[model.name]!, alias: null, weight: 1 })),
        });
        const ensembleEvaluation = await call('POST', '/v1/evaluations', server.adminKey, { ensemble: 'short-lived', dataset: { name: 'digits' } });
        expect(ensembleEvaluation.status).toBe(202);
        const ensembleClaim = await claimRun(node.id, ensembleEvaluation.body.id);
        expect(ensembleClaim.inputs.members.map((member: Json) => member.model)).toEqual(['teacher-a', 'teacher-b']);
        expect(await repo.deleteEnsemble(ensemble.id)).toBe(true);
        const members = ['teacher-a', 'teacher-b'].map((name) => ({ versionId: teacherIds[name], ...score }));
        const ensembleDone = await call('POST', `/v1/runs/${ensembleEvaluation.body.id}/complete`, nodeKey, {
          fencingToken: ensembleClaim.fencingToken, metrics: {}, evaluation: { ...report, members },
        });
        expect(ensembleDone.body).toMatchObject({ status: 'succeeded', result: score });
        expect(await repo.getEvaluation(ensembleEvaluation.body.id)).toMatchObject({ ensembleId: null, ensembleName: 'short-lived', aggregation: 'mean-logits' });
        expect((await call('GET', '/v1/evaluations?ensemble=short-lived', server.adminKey)).body.items).toEqual([
          expect.objectContaining({ target: { kind: 'ensemble', name: 'short-lived', revision: 1, aggregation: 'mean-logits' }, memberMetrics: [expect.objectContaining({ model: 'teacher-a' }), expect.objectContaining({ model: 'teacher-b' })] }),
        ]);

        const failing = await createRun(distillRun('never'));
        const held = await claimRun(node.id, failing.id);
        const failed = await call('POST', `/v1/runs/${failing.id}/fail`, nodeKey, { fencingToken: held.fencingToken, error: { type: 'nan-loss', message: 'loss became NaN', epoch: 2 } });
        expect(failed.body).toMatchObject({ status: 'failed', error: { type: 'nan-loss', message: 'loss became NaN', epoch: 2 } });

        const cancelling = await createRun(distillRun('never'));
        const running = await claimRun(node.id, cancelling.id);
        expect((await call('POST', `/v1/runs/${cancelling.id}/cancelled`, nodeKey, { fencingToken: running.fencingToken })).status).toBe(409);
        expect((await call('POST', `/v1/runs/${cancelling.id}/cancel`, server.adminKey)).body).toMatchObject({ status: 'running', cancelRequestedAt: expect.any(String) });
        expect((await call('POST', `/v1/runs/${cancelling.id}/heartbeat`, nodeKey, { fencingToken: running.fencingToken })).body.cancelRequested).toBe(true);
        expect((await call('POST', `/v1/runs/${cancelling.id}/cancelled`, nodeKey, { fencingToken: running.fencingToken })).body).toMatchObject({ status: 'cancelled' });
        expect((await call('POST', `/v1/runs/${cancelling.id}/cancel`, server.adminKey)).body.status).toBe('cancelled');
      });
    });
  });
}

protocolSuite('SQLite', startTestServer);
if (postgresAdminUrl) protocolSuite('PostgreSQL', (options) => startPostgresTestServer(postgresAdminUrl!, options));
else describe.skip(`on PostgreSQL: ${POSTGRES_SKIP_MESSAGE}`, () => it('runs the protocol on PostgreSQL', () => {}));
