// Aliases over real HTTP: set, move, resolve through /versions/{alias}, list, delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDenseVersion, createDenseModel, jsonBody } from '../support/requests';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await createDenseModel(server, 'aliased');
  await addDenseVersion(server, 'aliased');
  await addDenseVersion(server, 'aliased');
});
afterAll(() => server.close());

const putAlias = (alias: string, version: unknown) => server.fetch(`/v1/models/aliased/aliases/${alias}`, jsonBody({ version }, 'PUT'));

describe('aliases', () => {
  it('points an alias at a version, resolves it as a version ref, and moves it', async () => {
    const set = await putAlias('production', 1);
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ alias: 'production', version: { version: 1 } });
    expect(await (await server.fetch('/v1/models/aliased/versions/production')).json()).toMatchObject({ version: 1 });

    await putAlias('production', 2);
    expect(await (await server.fetch('/v1/models/aliased/versions/production')).json()).toMatchObject({ version: 2 });
    const download = await server.fetch('/v1/models/aliased/versions/production/files/weights.bin');
    const direct = await server.fetch('/v1/models/aliased/versions/2/files/weights.bin');
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(new Uint8Array(await direct.arrayBuffer()));
  });

  it('lists and reads aliases through the typed client', async () => {
    await putAlias('staging', 1);
    const list = await server.client.GET('/v1/models/{name}/aliases', { params: { path: { name: 'aliased' } } });
    expect(list.data!.items.map((a) => a.alias)).toContain('staging');
    const one = await server.client.GET('/v1/models/{name}/aliases/{alias}', { params: { path: { name: 'aliased', alias: 'staging' } } });
    expect(one.data).toMatchObject({ alias: 'staging', version: { version: 1, model: 'aliased' } });
  });

  it('deletes an alias, after which it no longer resolves, and the version stays', async () => {
    await putAlias('doomed', 1);
    expect((await server.fetch('/v1/models/aliased/aliases/doomed', { method: 'DELETE' })).status).toBe(204);
    expect((await server.fetch('/v1/models/aliased/versions/doomed')).status).toBe(404);
    expect((await server.fetch('/v1/models/aliased/aliases/doomed', { method: 'DELETE' })).status).toBe(404);
    expect((await server.fetch('/v1/models/aliased/versions/1')).status).toBe(200);
  });

  it('refuses an alias to a missing version (422) or an all-digit alias (422), storing nothing', async () => {
    const missing = await putAlias('nowhere', 99);
    expect(missing.status).toBe(422);
    expect((await server.fetch('/v1/models/aliased/aliases/nowhere')).status).toBe(404);
    const numeric = await putAlias('7', 1);
    expect(numeric.status).toBe(422);
    expect((await server.fetch('/v1/models/aliased/aliases/7')).status).toBe(404);
  });

  it('resolves `latest` to the newest active version and refuses it as an alias name', async () => {
    expect(await (await server.fetch('/v1/models/aliased/versions/latest')).json()).toMatchObject({ version: 2 });
    await server.fetch('/v1/models/aliased/versions/2/archive', { method: 'POST' });
    expect(await (await server.fetch('/v1/models/aliased/versions/latest')).json()).toMatchObject({ version: 1 });
    await server.fetch('/v1/models/aliased/versions/2/unarchive', { method: 'POST' });
    const reserved = await putAlias('latest', 1);
    expect(reserved.status).toBe(422);
    expect(await (await server.fetch('/v1/models/aliased/versions/latest')).json()).toMatchObject({ version: 2 });
  });
});
