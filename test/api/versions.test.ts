// Versions over real HTTP: upload round trip with sha256, listing with archive, update, delete rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadVersion } from '../../openapi/client';
import { PROBLEM_TYPE_BASE } from '../../src/api/problem';
import { sha256Hex } from '../../src/registry/hashing';
import { concatenatedWeights, denseArtifact, uploadForm } from '../support/artifacts';
import { addDenseVersion, createDenseModel, versionNumbers } from '../support/requests';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('versions', () => {
  it('stores an upload whose downloads equal what was sent, with sha256 and size recorded', async () => {
    const model = await createDenseModel(server, 'roundtrip');
    const artifact = await denseArtifact(3);
    const metadata = { description: 'first', params: { epochs: 3 }, metrics: { test_accuracy: 0.5 }, tags: { seed: '1' } };
    const response = await server.fetch('/v1/models/roundtrip/versions', { method: 'POST', body: uploadForm(artifact, metadata) });
    expect(response.status).toBe(201);
    const version = (await response.json()) as Record<string, any>;
    expect(version).toMatchObject({ model: 'roundtrip', version: 1, status: 'active', ...metadata });

    const weights = await server.fetch('/v1/models/roundtrip/versions/1/files/weights.bin');
    expect(weights.status).toBe(200);
    const weightBytes = new Uint8Array(await weights.arrayBuffer());
    expect(weightBytes).toEqual(concatenatedWeights(artifact));
    expect(version.files['weights.bin']).toEqual({ sha256: await sha256Hex(weightBytes), size: weightBytes.length });
    expect(weights.headers.get('etag')).toBe(`"${version.files['weights.bin'].sha256}"`);

    const modelJson = await server.fetch('/v1/models/roundtrip/versions/1/files/model.json');
    const modelJsonBytes = new Uint8Array(await modelJson.arrayBuffer());
    expect(version.files['model.json'].sha256).toBe(await sha256Hex(modelJsonBytes));
    const manifest = JSON.parse(new TextDecoder().decode(modelJsonBytes)) as { weightsManifest: { paths: string[] }[]; modelTopology: unknown };
    expect(manifest.weightsManifest.map((group) => group.paths)).toEqual([['weights.bin']]);
    expect(manifest.modelTopology).toEqual(artifact.modelJson.modelTopology);

    const key = `models/${model.id}/${version.id}/weights.bin`;
    expect(await server.deps.blobs.head(key)).toEqual({ size: weightBytes.length });
  });

  it('numbers versions 1, 2, 3 and hides archived ones unless include_archived=true', async () => {
    await createDenseModel(server, 'archiving');
    for (let i = 0; i < 3; i += 1) await addDenseVersion(server, 'archiving');
    const archived = await server.fetch('/v1/models/archiving/versions/2/archive', { method: 'POST' });
    expect(archived.status).toBe(200);
    expect(await archived.json()).toMatchObject({ version: 2, status: 'archived' });

    const visible = await server.client.GET('/v1/models/{name}/versions', { params: { path: { name: 'archiving' } } });
    expect(visible.data!.items.map((v) => v.version)).toEqual([3, 1]);
    expect(await versionNumbers(server, 'archiving')).toEqual([1, 2, 3]);
    const byNumber = await server.fetch('/v1/models/archiving/versions/2');
    expect(await byNumber.json()).toMatchObject({ status: 'archived' });

    await server.fetch('/v1/models/archiving/versions/2/unarchive', { method: 'POST' });
    const after = await server.client.GET('/v1/models/{name}/versions', { params: { path: { name: 'archiving' } } });
    expect(after.data!.items.map((v) => v.version)).toEqual([3, 2, 1]);
  });

  it('updates a version description and tags', async () => {
    await createDenseModel(server, 'described');
    await addDenseVersion(server, 'described');
    const updated = await server.client.PATCH('/v1/models/{name}/versions/{version}', {
      params: { path: { name: 'described', version: '1' } },
      body: { description: 'better', tags: { stage: 'candidate' } },
    });
    expect(updated.response.status).toBe(200);
    const read = await server.client.GET('/v1/models/{name}/versions/{version}', { params: { path: { name: 'described', version: '1' } } });
    expect(read.data).toMatchObject({ description: 'better', tags: { stage: 'candidate' } });
  });

  it('deletes a version without descendants, with its blobs', async () => {
    await createDenseModel(server, 'deletable');
    const version = await addDenseVersion(server, 'deletable');
    const key = (version.files as Record<string, { sha256: string }>)['weights.bin'];
    expect(key).toBeDefined();
    const response = await server.fetch('/v1/models/deletable/versions/1', { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect((await server.fetch('/v1/models/deletable/versions/1')).status).toBe(404);
    expect(await versionNumbers(server, 'deletable')).toEqual([]);
  });

  it('refuses to delete a version with descendants (409) and keeps it', async () => {
    await createDenseModel(server, 'parent-model');
    await addDenseVersion(server, 'parent-model');
    await createDenseModel(server, 'child-model');
    await addDenseVersion(server, 'child-model', { parents: [{ model: 'parent-model', version: 1, relation: 'teacher' }] });
    const response = await server.fetch('/v1/models/parent-model/versions/1', { method: 'DELETE' });
    expect(response.status).toBe(409);
    expect(await versionNumbers(server, 'parent-model')).toEqual([1]);
    const download = await server.fetch('/v1/models/parent-model/versions/1/files/weights.bin');
    expect(download.status).toBe(200);
  });

  it('replays an upload repeated with the same Idempotency-Key instead of storing a second version', async () => {
    await createDenseModel(server, 'retried');
    const artifact = await denseArtifact();
    const send = () =>
      server.fetch('/v1/models/retried/versions', { method: 'POST', headers: { 'Idempotency-Key': 'upload-1' }, body: uploadForm(artifact) });
    const first = await send();
    const second = await send();
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(await first.json());
    expect(await versionNumbers(server, 'retried')).toEqual([1]);

    const different = await server.fetch('/v1/models/retried/versions', {
      method: 'POST',
      headers: { 'Idempotency-Key': 'upload-1' },
      body: uploadForm(await denseArtifact()),
    });
    expect(different.status).toBe(422);
    expect(await versionNumbers(server, 'retried')).toEqual([1]);
  });

  it('creates exactly one version from parallel uploads with one Idempotency-Key; the others replay it or are told to retry', async () => {
    await createDenseModel(server, 'raced');
    const artifact = await denseArtifact();
    const send = () =>
      server.fetch('/v1/models/raced/versions', { method: 'POST', headers: { 'Idempotency-Key': 'race-1' }, body: uploadForm(artifact) });
    const responses = await Promise.all([1, 2, 3, 4, 5].map(send));
    const fresh = responses.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null);
    const replayed = responses.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === 'true');
    const busy = responses.filter((r) => r.status === 409);
    expect(fresh).toHaveLength(1);
    expect(fresh.length + replayed.length + busy.length).toBe(responses.length);
    const created = await fresh[0]!.json();
    for (const response of replayed) expect(await response.json()).toEqual(created);
    for (const response of busy) {
      expect(response.headers.get('retry-after')).toBe('1');
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({ type: `${PROBLEM_TYPE_BASE}idempotency-key-in-progress`, status: 409 });
    }
    expect(await versionNumbers(server, 'raced')).toEqual([1]);

    const later = await send();
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBe('true');
    expect(await later.json()).toEqual(created);
  });

  it('lets a create that failed be retried with the same Idempotency-Key', async () => {
    const artifact = await denseArtifact();
    const send = () =>
      server.fetch('/v1/models/late-model/versions', { method: 'POST', headers: { 'Idempotency-Key': 'retry-1' }, body: uploadForm(artifact) });
    expect((await send()).status).toBe(404);
    await createDenseModel(server, 'late-model');
    const retried = await send();
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(await versionNumbers(server, 'late-model')).toEqual([1]);
  });

  it('uploads through the typed client', async () => {
    await createDenseModel(server, 'typed-upload');
    const artifact = await denseArtifact();
    const { data, response } = await uploadVersion(server.client, 'typed-upload', uploadForm(artifact, { description: 'via client' }));
    expect(response.status).toBe(201);
    expect(data).toMatchObject({ model: 'typed-upload', version: 1, description: 'via client' });
  });
});
