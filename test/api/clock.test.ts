// The clock given to startServer stamps everything the server records: the bootstrap key, records'
// timestamps and idempotency reservations (whose staleness models.test.ts moves the clock past).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENSE_MODEL } from '../support/artifacts';
import { createManualClock } from '../support/clock';
import { startTestServer, type TestServer } from '../support/server';
import { addVersion } from './typed-requests';

const start = new Date('2030-06-01T12:00:00.000Z');
const clock = createManualClock(start);
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock });
});
afterAll(() => server.close());

describe('an injected clock', () => {
  it('stamps the bootstrap admin key', async () => {
    const keys = (await server.client.GET('/v1/keys')).data!.items;
    expect(keys.map((key) => key.createdAt)).toEqual([start.toISOString()]);
  });

  it('stamps models, versions, aliases and keys, and moves only when told', async () => {
    clock.advance(60_000);
    const at = clock.now().toISOString();
    const model = await server.client.POST('/v1/models', { body: { name: 'clocked', ...DENSE_MODEL } });
    expect(model.data).toMatchObject({ createdAt: at, updatedAt: at });
    expect((await addVersion(server, 'clocked')).createdAt).toBe(at);
    const alias = await server.client.PUT('/v1/models/{name}/aliases/{alias}', {
      params: { path: { name: 'clocked', alias: 'production' } },
      body: { version: 1 },
    });
    expect(alias.data!.updatedAt).toBe(at);
    const key = await server.client.POST('/v1/keys', { body: { name: 'clocked', scopes: ['read'] } });
    expect(key.data!.createdAt).toBe(at);

    clock.advance(1);
    const patched = await server.client.PATCH('/v1/models/{name}', { params: { path: { name: 'clocked' } }, body: { description: 'later' } });
    expect(patched.data).toMatchObject({ createdAt: at, updatedAt: new Date(start.getTime() + 60_001).toISOString() });
  });
});
