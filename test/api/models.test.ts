// Models over real HTTP: create, read, list with pagination, update, duplicates, idempotent creates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESERVATION_TIMEOUT_MS, requestFingerprint } from '../../src/registry/idempotency';
import { IDEMPOTENCY_IN_PROGRESS } from '../../src/registry/ports';
import { DENSE_MODEL } from '../support/artifacts';
import { createManualClock } from '../support/clock';
import { startTestServer, type TestServer } from '../support/server';
import { createModel } from './typed-requests';

const clock = createManualClock();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock });
});
afterAll(() => server.close());

describe('models', () => {
  it('creates a model and reads it back through the typed client', async () => {
    const { data, response } = await server.client.POST('/v1/models', {
      body: { name: 'mnist-teacher', task: 'image-classification', inputShape: [28, 28, 1], classLabels: ['0', '1'], description: 'd', tags: { team: 'vision' } },
    });
    expect(response.status).toBe(201);
    expect(data).toMatchObject({ name: 'mnist-teacher', inputShape: [28, 28, 1], classLabels: ['0', '1'], tags: { team: 'vision' } });
    const read = await server.client.GET('/v1/models/{name}', { params: { path: { name: 'mnist-teacher' } } });
    expect(read.data).toEqual({ ...data, model_version_status: [] });
  });

  it('lists models a page at a time', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await createModel(server, name);
    const first = await server.client.GET('/v1/models', { params: { query: { limit: 2, offset: 0 } } });
    const all = await server.client.GET('/v1/models', { params: { query: { limit: 500 } } });
    expect(first.data!.items).toHaveLength(2);
    expect(first.data).toMatchObject({ limit: 2, offset: 0, total: all.data!.total });
    const rest = await server.client.GET('/v1/models', { params: { query: { limit: 500, offset: 2 } } });
    expect(rest.data!.items).toHaveLength(all.data!.total - 2);
    const names = [...first.data!.items, ...rest.data!.items].map((m) => m.name);
    expect(new Set(names).size).toBe(all.data!.total);
  });

  it('updates description and tags', async () => {
    await createModel(server, 'updatable', { description: 'old', tags: { a: '1' } });
    const updated = await server.client.PATCH('/v1/models/{name}', {
      params: { path: { name: 'updatable' } },
      body: { description: 'new', tags: { b: '2' } },
    });
    expect(updated.response.status).toBe(200);
    const read = await server.client.GET('/v1/models/{name}', { params: { path: { name: 'updatable' } } });
    expect(read.data).toMatchObject({ description: 'new', tags: { b: '2' } });
  });

  it('leaves a model, updatedAt included, as it was after a PATCH that changes nothing', async () => {
    await createModel(server, 'untouched', { description: 'same', tags: { a: '1' } });
    const path = { params: { path: { name: 'untouched' } } };
    const before = (await server.client.GET('/v1/models/{name}', path)).data!;
    // A later clock reading than creation, so a needless write would show in updatedAt.
    clock.advance(1000);
    for (const body of [{}, { description: 'same' }, { tags: { a: '1' } }, { description: 'same', tags: { a: '1' } }]) {
      const patched = await server.client.PATCH('/v1/models/{name}', { ...path, body });
      expect(patched.response.status, JSON.stringify(body)).toBe(200);
      // The record alone: TF Serving's model_version_status is what GET adds.
      expect({ ...patched.data, model_version_status: [] }, JSON.stringify(body)).toEqual(before);
    }
    expect((await server.client.GET('/v1/models/{name}', path)).data).toEqual(before);
    const changed = await server.client.PATCH('/v1/models/{name}', { ...path, body: { description: 'other' } });
    expect(changed.data!.updatedAt).toBe(clock.now().toISOString());
  });

  it('refuses a duplicate name with 409 and keeps the original', async () => {
    await createModel(server, 'taken', { description: 'original' });
    const again = await server.client.POST('/v1/models', { body: { name: 'taken', ...DENSE_MODEL, description: 'second' } });
    expect(again.response.status).toBe(409);
    expect(again.response.headers.get('content-type')).toBe('application/problem+json');
    expect(again.error).toMatchObject({ type: 'https://distillery.dev/problems/conflict', status: 409 });
    const read = await server.client.GET('/v1/models/{name}', { params: { path: { name: 'taken' } } });
    expect(read.data).toMatchObject({ description: 'original' });
  });

  it('replays a create with the same Idempotency-Key and refuses the key for another request', async () => {
    const params = { header: { 'Idempotency-Key': 'create-idempotent-1' } };
    const create = (name: string) => server.client.POST('/v1/models', { params, body: { name, ...DENSE_MODEL } });
    const first = await create('idempotent');
    const second = await create('idempotent');
    expect(first.response.status).toBe(201);
    expect(second.response.status).toBe(201);
    expect(second.response.headers.get('idempotent-replayed')).toBe('true');
    expect(second.data).toEqual(first.data);

    const other = await create('idempotent-other');
    expect(other.response.status).toBe(422);
    expect(other.error).toMatchObject({ type: 'https://distillery.dev/problems/idempotency-key-reused' });
    expect((await server.client.GET('/v1/models/{name}', { params: { path: { name: 'idempotent-other' } } })).response.status).toBe(404);
  });

  it('answers 409 with Retry-After while the same create is in progress, and takes over one abandoned long ago', async () => {
    const body = { name: 'in-flight', ...DENSE_MODEL };
    const params = { header: { 'Idempotency-Key': 'in-flight-1' } };
    const create = () => server.client.POST('/v1/models', { params, body });
    // What another server holds while it runs this request (the typed client sends JSON.stringify(body)).
    const apiKeyId = server.adminKey.split('_')[1]!;
    const requestHash = await requestFingerprint('POST', '/v1/models', new TextEncoder().encode(JSON.stringify(body)));
    const reserveAt = (createdAt: Date) =>
      server.deps.repo.reserveIdempotent(
        { apiKeyId, key: 'in-flight-1', requestHash, status: IDEMPOTENCY_IN_PROGRESS, responseBody: '', createdAt: createdAt.toISOString() },
        createdAt.toISOString(),
      );

    expect(await reserveAt(clock.now())).toBeNull();
    const busy = await create();
    expect(busy.response.status).toBe(409);
    expect(busy.response.headers.get('retry-after')).toBe('1');
    expect(busy.error).toMatchObject({ type: 'https://distillery.dev/problems/idempotency-key-in-progress' });
    expect((await server.client.GET('/v1/models/{name}', { params: { path: { name: 'in-flight' } } })).response.status).toBe(404);

    // Time passes on the server's clock: that server has stopped, its reservation is abandoned, and the repeat runs.
    clock.advance(RESERVATION_TIMEOUT_MS + 1);
    const taken = await create();
    expect(taken.response.status).toBe(201);
    expect(taken.response.headers.get('idempotent-replayed')).toBeNull();
    const replayed = await create();
    expect(replayed.response.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.data).toEqual(taken.data);
  });

  it('answers 404 problem+json for an unknown model', async () => {
    const { response, error } = await server.client.GET('/v1/models/{name}', { params: { path: { name: 'no-such-model' } } });
    expect(response.status).toBe(404);
    expect(error).toMatchObject({ status: 404, instance: '/v1/models/no-such-model', detail: 'model "no-such-model" does not exist' });
  });
});
