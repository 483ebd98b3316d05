// Checkpoint uploads over real HTTP, on a local folder (bytes through the API's streamed PUT) and on
// s3rver (presigned PUTs): plan, upload, verified commit, and every refusal changing nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/registry/hashing';
import { checkpointFileKey } from '../../src/registry/checkpoints';
import type { RunRecord } from '../../src/registry/records';
import { s3ServerEnv, startS3rver, type RunningS3rver } from '../registry/blob-store/s3rver-fixture';
import { heldRun, registerNodeKey, type NodeKey } from '../support/held-runs';
import { jsonBody } from '../support/requests';
import { startTestServer, type TestServer } from '../support/server';

const UPLOAD_LIMIT = 1024 * 1024;

function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += 65536) crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65536)));
  return bytes;
}

interface CheckpointFiles {
  'model.json': Uint8Array<ArrayBuffer>;
  'weights.bin': Uint8Array<ArrayBuffer>;
  'optimizer.bin': Uint8Array<ArrayBuffer>;
}

const checkpointFiles = (): CheckpointFiles => ({
  'model.json': new TextEncoder().encode(JSON.stringify({ modelTopology: {}, weightsManifest: [] })),
  'weights.bin': randomBytes(300_000),
  'optimizer.bin': randomBytes(20_000),
});

async function declared(files: CheckpointFiles) {
  return Promise.all(Object.entries(files).map(async ([name, bytes]) => ({ name, size: bytes.byteLength, sha256: await sha256Hex(bytes) })));
}

const METRICS = { epoch: 1, validationAccuracy: 0.5, isBest: true, bestEpoch: 1, bestValidationAccuracy: 0.5, history: [] };

describe.each([
  { store: 'local folder', presigned: false },
  { store: 's3rver', presigned: true },
])('checkpoints on $store', ({ presigned }) => {
  let s3: RunningS3rver | undefined;
  let server: TestServer;
  let node: NodeKey;
  let otherNode: NodeKey;

  beforeAll(async () => {
    s3 = presigned ? await startS3rver() : undefined;
    server = await startTestServer({
      config: { uploadLimitBytes: UPLOAD_LIMIT, ...(s3 ? { s3Bucket: s3.bucket } : {}) },
      env: s3
        ? s3ServerEnv(s3)
        : {},
    });
    node = await registerNodeKey(server, 'node-a');
    otherNode = await registerNodeKey(server, 'node-b');
  });
  afterAll(async () => {
    await server?.close();
    await s3?.stop();
  });

  const asNode = (path: string, init: RequestInit = {}, key = node) => server.fetch(path, init, key.token);

  async function plan(run: RunRecord, epoch: number, files: CheckpointFiles, fencingToken = run.fencingToken) {
    return asNode(`/v1/runs/${run.id}/checkpoints/uploads`, jsonBody({ fencingToken, epoch, files: await declared(files) }));
  }

  /** PUTs each file where the plan says (the bytes given, which may differ from the declared ones). */
  async function upload(run: RunRecord, epoch: number, declaredFiles: CheckpointFiles, sentFiles = declaredFiles): Promise<void> {
    const response = await plan(run, epoch, declaredFiles);
    expect(response.status).toBe(200);
    const { files } = (await response.json()) as { files: { name: keyof CheckpointFiles; method: string; url: string; headers: Record<string, string> }[] };
    for (const file of files) {
      expect(file.url.startsWith('http')).toBe(presigned);
      const body = sentFiles[file.name];
      // Bytes other than declared: leave out the sha256 header so the API route stores them like a bucket would.
      const headers = sentFiles === declaredFiles ? file.headers : Object.fromEntries(Object.entries(file.headers).filter(([name]) => name !== 'Distillery-Content-Sha256'));
      const put = presigned ? await fetch(file.url, { method: 'PUT', headers, body }) : await asNode(file.url, { method: 'PUT', headers, body });
      expect(put.status).toBe(200);
    }
  }

  async function commit(run: RunRecord, epoch: number, files: CheckpointFiles, options: { fencingToken?: number; key?: NodeKey } = {}) {
    const body = { fencingToken: options.fencingToken ?? run.fencingToken, epoch, files: await declared(files), valMetric: 0.5, isBest: true, metrics: METRICS };
    return asNode(`/v1/runs/${run.id}/checkpoints`, jsonBody(body), options.key);
  }

  it('uploads, verifies and records a checkpoint, the best one, with its metrics for the next attempt', async () => {
    const run = await heldRun(server, node);
    const files = checkpointFiles();
    await upload(run, 1, files);
    const recorded = await commit(run, 1, files);
    expect(recorded.status).toBe(201);
    const checkpoint = await recorded.json();
    expect(checkpoint).toMatchObject({ attempt: 1, epoch: 1, isBest: true, size: 300_000, sha256: await sha256Hex(files['weights.bin']) });
    expect((await commit(run, 1, files)).status).toBe(201);
    const listed = await server.fetch(`/v1/runs/${run.id}/checkpoints`);
    expect(((await listed.json()) as { items: unknown[] }).items).toEqual([checkpoint]);
    expect((await server.deps.repo.latestCheckpoint(run.id))?.metrics).toEqual(METRICS);
  });

  it('refuses a commit whose stored object is not the declared bytes (422) and records nothing', async () => {
    const run = await heldRun(server, node);
    const files = checkpointFiles();
    await upload(run, 1, files, { ...files, 'weights.bin': randomBytes(300_000) });
    const refused = await commit(run, 1, files);
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ errors: [{ in: 'body', path: 'files[1]' }] });
    expect(await server.deps.repo.listCheckpoints(run.id)).toEqual([]);
  });

  it('refuses a stale fencing token (409) and another node\'s key (403)', async () => {
    const run = await heldRun(server, node);
    const files = checkpointFiles();
    expect((await plan(run, 1, files, run.fencingToken + 1)).status).toBe(409);
    await upload(run, 1, files);
    const stale = await commit(run, 1, files, { fencingToken: run.fencingToken - 1 });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ type: 'https://distillery.dev/problems/stale-lease' });
    expect((await commit(run, 1, files, { key: otherNode })).status).toBe(403);
    expect(await server.deps.repo.listCheckpoints(run.id)).toEqual([]);
  });

  // Only the local folder's plan routes bytes through the API; the s3rver plan has no such route to refuse.
  if (!presigned) it('streams a PUT through the API: 413 over the limit, 411 without a length, 422 on a sha256 mismatch, nothing kept', async () => {
    const run = await heldRun(server, node);
    const path = `/v1/runs/${run.id}/checkpoints/1/files/weights.bin`;
    const key = checkpointFileKey(run.id, run.attempt, 1, 'weights.bin');
    const headers = { 'Content-Type': 'application/octet-stream', 'Distillery-Fencing-Token': String(run.fencingToken) };
    const oversized = await asNode(path, { method: 'PUT', headers, body: randomBytes(UPLOAD_LIMIT + 1) });
    expect(oversized.status).toBe(413);
    const chunked = new ReadableStream({ start: (controller) => (controller.enqueue(randomBytes(10)), controller.close()) });
    const unsized = await asNode(path, { method: 'PUT', headers, body: chunked, duplex: 'half' } as RequestInit);
    expect(unsized.status).toBe(411);
    const bytes = randomBytes(1000);
    const mismatch = await asNode(path, { method: 'PUT', headers: { ...headers, 'Distillery-Content-Sha256': await sha256Hex(randomBytes(1000)) }, body: bytes });
    expect(mismatch.status).toBe(422);
    expect(await server.deps.blobs.head(key)).toBeNull();
    const stale = await asNode(path, { method: 'PUT', headers: { ...headers, 'Distillery-Fencing-Token': String(run.fencingToken + 1) }, body: bytes });
    expect(stale.status).toBe(409);
    const stored = await asNode(path, { method: 'PUT', headers: { ...headers, 'Distillery-Content-Sha256': await sha256Hex(bytes) }, body: bytes });
    expect(stored.status).toBe(200);
    expect(await stored.json()).toEqual({ name: 'weights.bin', size: 1000, sha256: await sha256Hex(bytes) });
  });
});
