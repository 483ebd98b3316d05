// Teacher outputs over real HTTP: a node stores them once for a run it holds (first write wins), nodes
// and readers download them verified; a stale token, another node's key and a foreign key change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/registry/hashing';
import type { RunRecord } from '../../src/registry/records';
import { teacherOutputsKey } from '../../src/registry/teacher-outputs';
import { newDataset } from '../registry/repository/fixtures';
import { heldRun, registerNodeKey, type NodeKey } from '../support/held-runs';
import { startTestServer, type TestServer } from '../support/server';
import { addVersion, createModel } from './typed-requests';

let server: TestServer;
let node: NodeKey;
let otherNode: NodeKey;
let run: RunRecord;
let key: string;
const logits = new Uint8Array(new Float32Array([0.1, 0.9, 2, -1, 0.5, 0.5]).buffer);

beforeAll(async () => {
  server = await startTestServer();
  node = await registerNodeKey(server, 'teacher-node');
  otherNode = await registerNodeKey(server, 'other-node');
  await createModel(server, 'teacher');
  const teacher = await addVersion(server, 'teacher');
  const dataset = await server.deps.repo.createDataset(newDataset());
  const normalization = { mean: [0.5], std: [0.5] };
  run = await heldRun(server, node, { dataset: { id: dataset.id }, teachers: [{ versionId: teacher.id }], training: { normalization } });
  key = await teacherOutputsKey({ teacherVersionId: teacher.id, datasetId: dataset.id, normalization });
});
afterAll(() => server?.close());

function put(body: Uint8Array<ArrayBuffer>, options: { key?: string; token?: number; as?: NodeKey; sha256?: string } = {}) {
  const headers: Record<string, string> = {
    'Content-Type': 'application/octet-stream',
    'Distillery-Run': run.id,
    'Distillery-Fencing-Token': String(options.token ?? run.fencingToken),
    ...(options.sha256 ? { 'Distillery-Content-Sha256': options.sha256 } : {}),
  };
  return server.fetch(`/v1/teacher-outputs/${options.key ?? key}`, { method: 'PUT', headers, body }, (options.as ?? node).token);
}

describe('teacher outputs', () => {
  it('refuses a stale token (409), another node (403), a key none of the run\'s teachers has (422) and a sha256 mismatch (422)', async () => {
    expect((await put(logits, { token: run.fencingToken + 1 })).status).toBe(409);
    expect((await put(logits, { as: otherNode })).status).toBe(403);
    expect((await put(logits, { key: 'f'.repeat(64) })).status).toBe(422);
    expect((await put(logits, { sha256: await sha256Hex(new Uint8Array(4)) })).status).toBe(422);
    expect(await server.deps.repo.getTeacherOutputs(key)).toBeNull();
    expect(await server.deps.blobs.head(`teacher-outputs/${key}`)).toBeNull();
  });

  it('stores them once: a second PUT answers 200 with the first record', async () => {
    const first = await put(logits, { sha256: await sha256Hex(logits) });
    expect(first.status).toBe(201);
    const stored = await first.json();
    expect(stored).toMatchObject({ key, size: logits.byteLength, sha256: await sha256Hex(logits) });
    const second = await put(new Uint8Array(new Float32Array([9, 9, 9]).buffer));
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual(stored);
  });

  it('serves them to a read key and to a node key, verified', async () => {
    const { data: reader } = await server.client.POST('/v1/keys', { body: { name: 'reader', scopes: ['read'] } });
    for (const token of [reader!.token, node.token]) {
      const response = await server.fetch(`/v1/teacher-outputs/${key}`, {}, token);
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toBe(`"${await sha256Hex(logits)}"`);
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(logits);
    }
    expect((await server.fetch(`/v1/teacher-outputs/${'0'.repeat(64)}`)).status).toBe(404);
  });
});
