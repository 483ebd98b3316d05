// Versions over real HTTP: upload round trip with sha256, listing with archive, update, delete rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadVersion } from '../../openapi/client';
import { PROBLEM_TYPE_BASE } from '../../src/api/problem';
import { sha256Hex } from '../../src/registry/hashing';
import { concatenatedWeights, denseArtifact, uploadForm } from '../support/artifacts';
import { startTestServer, type TestServer } from '../support/server';
import { addVersion, createModel, storedVersions, versionPath } from './typed-requests';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** An upload with the typed client, sending `Idempotency-Key`. */
function uploadWithKey(model: string, key: string, form: FormData) {
  return server.client.POST('/v1/models/{name}/versions', {
    params: { path: { name: model }, header: { 'Idempotency-Key': key } },
    body: form as never,
    bodySerializer: () => form,
  });
}

describe('versions', () => {
  it('stores an upload whose downloads equal what was sent, with sha256 and size recorded', async () => {
    const model = await createModel(server, 'roundtrip');
    const artifact = await denseArtifact(3);
    const metadata = { description: 'first', params: { epochs: 3 }, metrics: { test_accuracy: 0.5 }, tags: { seed: '1' } };
    const uploaded = await uploadVersion(server.client, 'roundtrip', uploadForm(artifact, metadata));
    expect(uploaded.response.status).toBe(201);
    const version = uploaded.data!;
    expect(version).toMatchObject({ model: 'roundtrip', version: 1, status: 'active', ...metadata });

    const file = (name: 'model.json' | 'weights.bin') =>
      server.client.GET('/v1/models/{name}/versions/{version}/files/{file}', {
        params: { path: { name: 'roundtrip', version: '1', file: name } },
        parseAs: 'arrayBuffer',
      });
    const weights = await file('weights.bin');
    expect(weights.response.status).toBe(200);
    const weightBytes = new Uint8Array(weights.data as ArrayBuffer);
    expect(weightBytes).toEqual(concatenatedWeights(artifact));
    expect(version.files['weights.bin']).toEqual({ sha256: await sha256Hex(weightBytes), size: weightBytes.length });
    expect(weights.response.headers.get('etag')).toBe(`"${version.files['weights.bin'].sha256}"`);

    const modelJsonBytes = new Uint8Array((await file('model.json')).data as ArrayBuffer);
    expect(version.files['model.json'].sha256).toBe(await sha256Hex(modelJsonBytes));
    const manifest = JSON.parse(new TextDecoder().decode(modelJsonBytes)) as { weightsManifest: { paths: string[] }[]; modelTopology: unknown };
    expect(manifest.weightsManifest.map((group) => group.paths)).toEqual([['weights.bin']]);
    expect(manifest.modelTopology).toEqual(artifact.modelJson.modelTopology);

    const key = `models/${model.id}/${version.id}/weights.bin`;
    expect(await server.deps.blobs.head(key)).toEqual({ size: weightBytes.length });
  });

  it('numbers versions 1, 2, 3 and hides archived ones unless include_archived=true', async () => {
    await createModel(server, 'archiving');
    for (let i = 0; i < 3; i += 1) await addVersion(server, 'archiving');
    const archived = await server.client.POST('/v1/models/{name}/versions/{version}/archive', versionPath('archiving', 2));
    expect(archived.response.status).toBe(200);
    expect(archived.data).toMatchObject({ version: 2, status: 'archived' });

    const visible = await server.client.GET('/v1/models/{name}/versions', { params: { path: { name: 'archiving' } } });
    expect(visible.data!.items.map((v) => v.version)).toEqual([3, 1]);
    expect(await storedVersions(server, 'archiving')).toEqual([1, 2, 3]);
    const byNumber = await server.client.GET('/v1/models/{name}/versions/{version}', versionPath('archiving', 2));
    expect(byNumber.data).toMatchObject({ status: 'archived' });

    await server.client.POST('/v1/models/{name}/versions/{version}/unarchive', versionPath('archiving', 2));
    const after = await server.client.GET('/v1/models/{name}/versions', { params: { path: { name: 'archiving' } } });
    expect(after.data!.items.map((v) => v.version)).toEqual([3, 2, 1]);
  });

  it('updates a version description and tags', async () => {
    await createModel(server, 'described');
    await addVersion(server, 'described');
    const updated = await server.client.PATCH('/v1/models/{name}/versions/{version}', {
      params: { path: { name: 'described', version: '1' } },
      body: { description: 'better', tags: { stage: 'candidate' } },
    });
    expect(updated.response.status).toBe(200);
    const read = await server.client.GET('/v1/models/{name}/versions/{version}', { params: { path: { name: 'described', version: '1' } } });
    expect(read.data).toMatchObject({ description: 'better', tags: { stage: 'candidate' } });
    const empty = await server.client.PATCH('/v1/models/{name}/versions/{version}', { ...versionPath('described', 1), body: {} });
    expect(empty.response.status).toBe(200);
    // GET adds TF Serving's model_version_status to the record a PATCH answers.
    expect({ ...empty.data, model_version_status: [{ version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } }] }).toEqual(read.data);
    expect((await server.client.GET('/v1/models/{name}/versions/{version}', versionPath('described', 1))).data).toEqual(read.data);
  });

  it('deletes a version without descendants, with its blobs', async () => {
    await createModel(server, 'deletable');
    const version = await addVersion(server, 'deletable');
    const key = (version.files as Record<string, { sha256: string }>)['weights.bin'];
    expect(key).toBeDefined();
    const response = await server.client.DELETE('/v1/models/{name}/versions/{version}', versionPath('deletable', 1));
    expect(response.response.status).toBe(204);
    expect((await server.client.GET('/v1/models/{name}/versions/{version}', versionPath('deletable', 1))).response.status).toBe(404);
    expect(await storedVersions(server, 'deletable')).toEqual([]);
  });

  it('refuses to delete a version with descendants (409) and keeps it', async () => {
    await createModel(server, 'parent-model');
    await addVersion(server, 'parent-model');
    await createModel(server, 'child-model');
    await addVersion(server, 'child-model', { parents: [{ model: 'parent-model', version: 1, relation: 'teacher' }] });
    const response = await server.client.DELETE('/v1/models/{name}/versions/{version}', versionPath('parent-model', 1));
    expect(response.response.status).toBe(409);
    expect(await storedVersions(server, 'parent-model')).toEqual([1]);
    const download = await server.client.GET('/v1/models/{name}/versions/{version}/files/{file}', {
      params: { path: { name: 'parent-model', version: '1', file: 'weights.bin' } },
      parseAs: 'arrayBuffer',
    });
    expect(download.response.status).toBe(200);
  });

  it('replays an upload repeated with the same Idempotency-Key instead of storing a second version', async () => {
    await createModel(server, 'retried');
    const artifact = await denseArtifact();
    const send = (form: FormData) => uploadWithKey('retried', 'upload-1', form);
    const first = await send(uploadForm(artifact));
    const second = await send(uploadForm(artifact));
    expect(first.response.status).toBe(201);
    expect(second.response.status).toBe(201);
    expect(second.response.headers.get('idempotent-replayed')).toBe('true');
    expect(second.data).toEqual(first.data);
    expect(await storedVersions(server, 'retried')).toEqual([1]);

    const different = await send(uploadForm(await denseArtifact()));
    expect(different.response.status).toBe(422);
    expect(await storedVersions(server, 'retried')).toEqual([1]);
  });

  it('creates exactly one version from parallel uploads with one Idempotency-Key; the others replay it or are told to retry', async () => {
    await createModel(server, 'raced');
    const artifact = await denseArtifact();
    const send = () => uploadWithKey('raced', 'race-1', uploadForm(artifact));
    const results = await Promise.all([1, 2, 3, 4, 5].map(send));
    const replayedHeader = (r: (typeof results)[number]) => r.response.headers.get('idempotent-replayed');
    const fresh = results.filter((r) => r.response.status === 201 && replayedHeader(r) === null);
    const replayed = results.filter((r) => r.response.status === 201 && replayedHeader(r) === 'true');
    const busy = results.filter((r) => r.response.status === 409);
    expect(fresh).toHaveLength(1);
    expect(fresh.length + replayed.length + busy.length).toBe(results.length);
    const created = fresh[0]!.data;
    for (const result of replayed) expect(result.data).toEqual(created);
    for (const result of busy) {
      expect(result.response.headers.get('retry-after')).toBe('1');
      expect(result.response.headers.get('content-type')).toBe('application/problem+json');
      expect(result.error).toMatchObject({ type: `${PROBLEM_TYPE_BASE}idempotency-key-in-progress`, status: 409 });
    }
    expect(await storedVersions(server, 'raced')).toEqual([1]);

    const later = await send();
    expect(later.response.status).toBe(201);
    expect(replayedHeader(later)).toBe('true');
    expect(later.data).toEqual(created);
  });

  it('lets a create that failed be retried with the same Idempotency-Key', async () => {
    const artifact = await denseArtifact();
    const send = () => uploadWithKey('late-model', 'retry-1', uploadForm(artifact));
    expect((await send()).response.status).toBe(404);
    await createModel(server, 'late-model');
    const retried = await send();
    expect(retried.response.status).toBe(201);
    expect(retried.response.headers.get('idempotent-replayed')).toBeNull();
    expect(await storedVersions(server, 'late-model')).toEqual([1]);
  });

  it('uploads through the typed client', async () => {
    await createModel(server, 'typed-upload');
    const artifact = await denseArtifact();
    const { data, response } = await uploadVersion(server.client, 'typed-upload', uploadForm(artifact, { description: 'via client' }));
    expect(response.status).toBe(201);
    expect(data).toMatchObject({ model: 'typed-upload', version: 1, description: 'via client' });
  });
});
