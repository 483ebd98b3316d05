// Aliases over real HTTP: set, move, resolve through /versions/{alias}, list, delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../support/clock';
import { startTestServer, type TestServer } from '../support/server';
import { addVersion, createModel, versionPath } from './typed-requests';

const clock = createManualClock();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock });
  await createModel(server, 'aliased');
  await addVersion(server, 'aliased');
  await addVersion(server, 'aliased');
});
afterAll(() => server.close());

const aliasPath = (alias: string) => ({ params: { path: { name: 'aliased', alias } } });
const putAlias = (alias: string, version: number) => server.client.PUT('/v1/models/{name}/aliases/{alias}', { ...aliasPath(alias), body: { version } });
const readVersion = async (ref: string) => (await server.client.GET('/v1/models/{name}/versions/{version}', versionPath('aliased', ref))).data;
const aliasStatus = async (alias: string) => (await server.client.GET('/v1/models/{name}/aliases/{alias}', aliasPath(alias))).response.status;
const download = async (ref: string) =>
  (await server.client.GET('/v1/models/{name}/versions/{version}/files/{file}', {
    params: { path: { name: 'aliased', version: ref, file: 'weights.bin' } },
    parseAs: 'arrayBuffer',
  })).data as ArrayBuffer;

describe('aliases', () => {
  it('points an alias at a version, resolves it as a version ref, and moves it', async () => {
    const set = await putAlias('production', 1);
    expect(set.response.status).toBe(200);
    expect(set.data).toMatchObject({ alias: 'production', version: { version: 1 } });
    expect(await readVersion('production')).toMatchObject({ version: 1 });

    await putAlias('production', 2);
    expect(await readVersion('production')).toMatchObject({ version: 2 });
    expect(new Uint8Array(await download('production'))).toEqual(new Uint8Array(await download('2')));
  });

  it('leaves an alias, updatedAt included, as it was when PUT to the version it points at already', async () => {
    const first = await putAlias('steady', 1);
    // A later clock reading than the first PUT, so a needless write would show in updatedAt.
    clock.advance(1000);
    const again = await putAlias('steady', 1);
    expect(again.response.status).toBe(200);
    expect(again.data).toEqual(first.data);
    expect((await server.client.GET('/v1/models/{name}/aliases/{alias}', aliasPath('steady'))).data).toEqual(first.data);
    const moved = await putAlias('steady', 2);
    expect(moved.data!.updatedAt).toBe(clock.now().toISOString());
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
    const remove = () => server.client.DELETE('/v1/models/{name}/aliases/{alias}', aliasPath('doomed'));
    expect((await remove()).response.status).toBe(204);
    expect((await server.client.GET('/v1/models/{name}/versions/{version}', versionPath('aliased', 'doomed'))).response.status).toBe(404);
    expect((await remove()).response.status).toBe(404);
    expect(await readVersion('1')).toMatchObject({ version: 1 });
  });

  it('refuses an alias to a missing version (422) or an all-digit alias (422), storing nothing', async () => {
    const missing = await putAlias('nowhere', 99);
    expect(missing.response.status).toBe(422);
    expect(await aliasStatus('nowhere')).toBe(404);
    const list = async () => (await server.client.GET('/v1/models/{name}/aliases', { params: { path: { name: 'aliased' } } })).data!.items.map((a) => a.alias);
    const before = await list();
    // Anything a lax parser reads as a number would be taken for a version: never an alias name.
    for (const alias of ['7', '1.0', '1e0', '0x1', '01']) {
      const numeric = await putAlias(alias, 1);
      expect(numeric.response.status, alias).toBe(422);
      expect(numeric.error, alias).toMatchObject({ errors: [expect.objectContaining({ in: 'path', path: 'alias' })] });
      expect(await aliasStatus(alias), alias).toBe(422);
    }
    expect(await list()).toEqual(before);
  });

  it('resolves `latest` to the newest active version and refuses it as an alias name', async () => {
    expect(await readVersion('latest')).toMatchObject({ version: 2 });
    await server.client.POST('/v1/models/{name}/versions/{version}/archive', versionPath('aliased', 2));
    expect(await readVersion('latest')).toMatchObject({ version: 1 });
    await server.client.POST('/v1/models/{name}/versions/{version}/unarchive', versionPath('aliased', 2));
    const reserved = await putAlias('latest', 1);
    expect(reserved.response.status).toBe(422);
    expect(await readVersion('latest')).toMatchObject({ version: 2 });
  });
});
