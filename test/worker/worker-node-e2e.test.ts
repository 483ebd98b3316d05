// The node protocol on workerd: the Worker bundle wrangler would deploy, on Miniflare's D1 and R2, with a
// real `distillery node` process training against its URL. The Worker has no R2 S3 credentials here, so it
// presigns nothing: every input download and checkpoint upload goes through the API's streamed routes (a
// probe claim below shows it), the path an R2 deployment without those secrets takes.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDistilleryClient } from '../../openapi/client';
import { teacherOutputsBlobKey, teacherOutputsKey, type TeacherOutputsSubject } from '../../src/registry/teacher-outputs';
import { BAND_LABELS } from '../node/fixtures';
import { bearerFetch, jsonBody } from '../support/requests';
import { createRun, issueNodeKey, registerBandDataset, runCheckpoints, runEvents, spawnNode, stopNode, waitForRun, type ApiTarget, type CreateRun, type NodeProcess, type Run } from '../node/support';
import { buildWorkerBundle, type WorkerBundle } from './worker-bundle';
import { migratedLocalState, startWorkerd, type WorkerdWorker } from './workerd-worker';

const ADMIN_KEY = 'dk_workernode_e2e0123456789abcdefXYZ';
const BAND_TRAIN_COUNT = 300;
const TRAIN: CreateRun = { kind: 'train', dataset: { name: 'bands' }, model: 'banded', architecture: 'mlp', hyperparameters: { epochs: 2, batchSize: 16 } };

let bundle: WorkerBundle;
let state: Awaited<ReturnType<typeof migratedLocalState>>;
let worker: WorkerdWorker;
let api: ApiTarget;
let node: NodeProcess | undefined;

beforeAll(async () => {
  [bundle, state] = await Promise.all([buildWorkerBundle(), migratedLocalState()]);
  worker = await startWorkerd(bundle.scriptPath, state.folder, {
    DISTILLERY_ADMIN_KEY: ADMIN_KEY,
    LOG_LEVEL: 'warn',
    // Short leases, so the node heartbeats through the Worker while it trains.
    DISTILLERY_LEASE_SECONDS: '3',
    DISTILLERY_HEARTBEAT_SECONDS: '1',
  });
  api = { client: createDistilleryClient(worker.url, ADMIN_KEY), fetch: bearerFetch(worker.url, ADMIN_KEY) };
  await registerBandDataset(api, 'bands', BAND_TRAIN_COUNT);
}, 120_000);
afterAll(async () => {
  if (node) await stopNode(node);
  await worker?.dispose();
  await Promise.all([state?.dispose(), bundle?.dispose()]);
});

/** Waits for the run to finish and expects success, with the node's output when it did not. */
async function succeeded(runId: string): Promise<Run> {
  const run = await waitForRun(api, runId, 45_000).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\nnode output:\n${node?.output()}`);
  });
  expect(run, `${JSON.stringify(run.error)}\nnode output:\n${node?.output()}`).toMatchObject({ status: 'succeeded', attempt: 1 });
  return run;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The text/event-stream body of the run's events, read to its end (the stream closes after `event: end`). */
async function eventStream(runId: string): Promise<{ contentType: string | null; frames: { id?: string; event?: string; data?: string }[] }> {
  const response = await api.fetch(`/v1/runs/${runId}/events`, { headers: { Accept: 'text/event-stream' } });
  expect(response.status).toBe(200);
  const frames = (await response.text())
    .split('\n\n')
    .map((frame) => Object.fromEntries(frame.split('\n').filter((line) => /^(id|event|data):/.test(line)).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()])))
    .filter((frame) => Object.keys(frame).length > 0);
  return { contentType: response.headers.get('content-type'), frames };
}

describe('a training node against the Worker on workerd', () => {
  it('is handed API routes, not presigned URLs, when the Worker has no R2 S3 credentials, and its checkpoint bytes are verified in R2', async () => {
    const probeKey = await issueNodeKey(api, 'probe');
    const registered = await api.fetch('/v1/nodes', jsonBody({ name: 'probe', backend: 'none', device: 'none', version: 'probe' }), probeKey);
    expect(registered.status).toBe(201);
    const probe = (await registered.json()) as { id: string };
    const run = await createRun(api, { ...TRAIN, model: 'probed' });

    const claimed = await api.fetch(`/v1/nodes/${probe.id}/claim`, { method: 'POST' }, probeKey);
    expect(claimed.status).toBe(200);
    const assignment = (await claimed.json()) as { run: { id: string }; fencingToken: number; inputs: { dataset: { files: { role: string; url: string }[] } } };
    expect(assignment.run.id).toBe(run.id);
    expect(assignment.inputs.dataset.files.map((file) => file.url)).toEqual(assignment.inputs.dataset.files.map((file) => `/v1/runs/${run.id}/inputs/dataset.${file.role}`));

    const plan = await api.fetch(`/v1/runs/${run.id}/checkpoints/uploads`, jsonBody({ fencingToken: assignment.fencingToken, epoch: 1, files: [{ name: 'weights.bin', size: 4, sha256: sha256(new Uint8Array(4)) }] }), probeKey);
    expect(plan.status).toBe(200);
    expect(((await plan.json()) as { files: { url: string }[] }).files.map((file) => file.url)).toEqual([`/v1/runs/${run.id}/checkpoints/1/files/weights.bin`]);

    // Through that route into R2; a commit declaring other bytes than were stored is refused, records nothing.
    const uploaded = await api.fetch(`/v1/runs/${run.id}/checkpoints/1/files/weights.bin`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream', 'Distillery-Fencing-Token': String(assignment.fencingToken) },
      body: new Uint8Array(4),
    }, probeKey);
    expect(await uploaded.json()).toEqual({ name: 'weights.bin', size: 4, sha256: sha256(new Uint8Array(4)) });
    const otherBytes = { name: 'weights.bin', size: 4, sha256: sha256(new Uint8Array([1, 2, 3, 4])) };
    const commit = await api.fetch(`/v1/runs/${run.id}/checkpoints`, jsonBody({ fencingToken: assignment.fencingToken, epoch: 1, files: [otherBytes], valMetric: 0, isBest: true, metrics: {} }), probeKey);
    expect(commit.status).toBe(422);
    expect(await commit.json()).toMatchObject({ detail: expect.stringContaining('not the declared bytes'), errors: [expect.objectContaining({ path: 'files[0]' })] });
    expect(await runCheckpoints(api, run.id)).toEqual([]);

    const failed = await api.fetch(`/v1/runs/${run.id}/fail`, jsonBody({ fencingToken: assignment.fencingToken, error: { type: 'probe', message: 'only looked' } }), probeKey);
    expect(failed.status).toBe(200);
  });

  it('trains a queued run to a registered version with its checkpoints, metrics, event stream and verified weights', async () => {
    const run = await createRun(api, TRAIN);
    // Opened while the run is queued: the stream follows it live and ends once it has finished.
    const live = eventStream(run.id);
    node = spawnNode(worker.url, await issueNodeKey(api, 'trainer'), 'trainer');
    const finished = await succeeded(run.id);

    const { data: version } = await api.client.GET('/v1/models/{name}/versions/{version}', { params: { path: { name: 'banded', version: '1' } } });
    expect(version).toMatchObject({ id: finished.resultVersionId, sourceRunId: run.id, metrics: { validation_accuracy: expect.any(Number), test_accuracy: expect.any(Number) } });
    expect(finished.result).toEqual(version!.metrics);

    const checkpoints = await runCheckpoints(api, run.id);
    expect(checkpoints.map((checkpoint) => [checkpoint.attempt, checkpoint.epoch])).toEqual([[1, 1], [1, 2]]);
    expect(checkpoints.filter((checkpoint) => checkpoint.isBest)).toHaveLength(1);

    const { data: metrics } = await api.client.GET('/v1/runs/{id}/metrics', { params: { path: { id: run.id } } });
    expect(metrics!.epochs.map((epoch) => [epoch.attempt, epoch.epoch])).toEqual([[1, 1], [1, 2]]);

    const events = await runEvents(api, run.id);
    expect(events.filter((event) => event.kind === 'epoch').map((event) => event.epoch)).toEqual([1, 2]);
    for (const stream of [await live, await eventStream(run.id)]) {
      expect(stream.contentType).toMatch(/^text\/event-stream/);
      expect(stream.frames.slice(0, -1).map((frame) => [Number(frame.id), frame.event, JSON.parse(frame.data!).epoch])).toEqual(events.map((event) => [event.id, event.kind, event.epoch]));
      expect(stream.frames.at(-1)).toMatchObject({ event: 'end', data: JSON.stringify({ status: 'succeeded' }) });
    }

    const { data: nodes } = await api.client.GET('/v1/nodes');
    expect(nodes!.items.map((item) => [item.name, item.backend, item.currentRunIds])).toEqual([['probe', 'none', []], ['trainer', 'cpu', []]]);

    const weights = await api.fetch('/v1/models/banded/versions/1/files/weights.bin');
    expect(weights.status).toBe(200);
    expect(sha256(new Uint8Array(await weights.arrayBuffer()))).toBe(version!.files['weights.bin'].sha256);
  }, 60_000);

  it('self-distils a student from that version: the teacher logits go into R2 through the API, the edge names the run', async () => {
    const run = await createRun(api, { ...TRAIN, kind: 'distill', model: 'self-student', teachers: [{ model: 'banded', version: 1 }], hyperparameters: { epochs: 1, batchSize: 16 } });
    const finished = await succeeded(run.id);
    expect(finished.result).toHaveProperty('teacher_logits_seconds');
    const spec = finished.spec as { dataset: { id: string }; teachers: { versionId: string }[]; training: { normalization: TeacherOutputsSubject['normalization'] } };
    const key = await teacherOutputsKey({ teacherVersionId: spec.teachers[0]!.versionId, datasetId: spec.dataset.id, normalization: spec.training.normalization });
    // float32 logits, one row of four classes per training example.
    expect(await worker.bucket.head(teacherOutputsBlobKey(key))).toMatchObject({ size: BAND_TRAIN_COUNT * BAND_LABELS.length * 4 });

    const { data: lineage } = await api.client.GET('/v1/models/{name}/versions/{version}/lineage', {
      params: { path: { name: 'self-student', version: '1' }, query: { direction: 'ancestors', depth: 1 } },
    });
    expect(lineage!.edges).toEqual([expect.objectContaining({ child: finished.resultVersionId, relation: 'teacher', method: 'self-distillation', runId: run.id })]);
  }, 60_000);
});
