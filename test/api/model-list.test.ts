// GET /v1/models over real HTTP: the `q` search (case-insensitive, literal `%` `_` `\`, `total` counting
// the matches, bad values refused) and each item's `latestVersion` and `aliases`. Runs on SQLite, and on
// PostgreSQL too when DATABASE_TEST_URL is set (its LIKE is case-sensitive).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';
import { POSTGRES_SKIP_MESSAGE, postgresAdminUrl, startPostgresTestServer } from './postgres-test-server';
import { addVersion, createModel, versionPath } from './typed-requests';

function modelListSuite(backend: string, start: () => Promise<TestServer>): void {
  describe(`model list and search on ${backend}`, () => {
    let server: TestServer;

    beforeAll(async () => {
      server = await start();
      await createModel(server, 'mnist-teacher', { description: 'The big ResNet TEACHER for digits' });
      await createModel(server, 'mnist-student', { description: 'Distilled from mnist-teacher' });
      await createModel(server, 'cifar-a_b', { description: 'underscore in the name' });
      await createModel(server, 'cifar-axb', { description: 'no underscore' });
      await createModel(server, 'percent', { description: 'sure to 100% of the time' });
      await createModel(server, 'percentless', { description: 'sure to 100 of the time' });
      await createModel(server, 'backslash', { description: 'stored at C:\\models\\teacher' });
      await createModel(server, 'plain', { description: 'stored at C:models' });
    });
    afterAll(() => server.close());

    const list = (query: { q?: string; limit?: number; offset?: number }) => server.client.GET('/v1/models', { params: { query } });
    const names = async (q: string) => {
      const { data, response } = await list({ q, limit: 500 });
      expect(response.status, q).toBe(200);
      return data!.items.map((model) => model.name);
    };

    it('matches a substring of the name or the description, ignoring case', async () => {
      expect(await names('MNIST')).toEqual(['mnist-student', 'mnist-teacher']);
      expect(await names('resnet teacher')).toEqual(['mnist-teacher']);
      // The name of one, the description of the other.
      expect(await names('Teacher')).toEqual(['backslash', 'mnist-student', 'mnist-teacher']);
      expect(await names('no-such-text')).toEqual([]);
    });

    it('matches %, _ and \\ literally', async () => {
      expect(await names('a_b')).toEqual(['cifar-a_b']);
      expect(await names('100%')).toEqual(['percent']);
      expect(await names('100%time')).toEqual([]);
      expect(await names('%')).toEqual(['percent']);
      expect(await names('C:\\')).toEqual(['backslash']);
      expect(await names('\\models\\teacher')).toEqual(['backslash']);
    });

    it('counts the matches in total, and pages through them', async () => {
      const first = await list({ q: 'teacher', limit: 2, offset: 0 });
      expect(first.data).toMatchObject({ total: 3, limit: 2, offset: 0 });
      expect(first.data!.items.map((model) => model.name)).toEqual(['backslash', 'mnist-student']);
      const second = await list({ q: 'teacher', limit: 2, offset: 2 });
      expect(second.data).toMatchObject({ total: 3, limit: 2, offset: 2 });
      expect(second.data!.items.map((model) => model.name)).toEqual(['mnist-teacher']);
      // Without q, every model.
      expect((await list({ limit: 500 })).data!.total).toBeGreaterThanOrEqual(8);
    });

    it('refuses an empty, over-long or multi-line q with the validation problem naming it', async () => {
      const before = (await list({ limit: 500 })).data!.total;
      for (const q of ['', 'x'.repeat(129), 'two\nlines', 'nul\u0000']) {
        const response = await server.fetch(`/v1/models?q=${encodeURIComponent(q)}`);
        expect(response.status, JSON.stringify(q)).toBe(422);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(await response.json(), JSON.stringify(q)).toMatchObject({
          type: 'https://distillery.dev/problems/validation-error',
          errors: [expect.objectContaining({ in: 'query', path: 'q' })],
        });
      }
      expect((await server.fetch(`/v1/models?q=${'x'.repeat(128)}`)).status).toBe(200);
      expect((await list({ limit: 500 })).data!.total).toBe(before);
    });

    it("gives each item its highest active version and its aliases' version numbers", async () => {
      await createModel(server, 'versioned', { description: 'summary check' });
      await createModel(server, 'archived-only', { description: 'summary check' });
      await createModel(server, 'versionless', { description: 'summary check' });
      for (let i = 0; i < 3; i++) await addVersion(server, 'versioned');
      await addVersion(server, 'archived-only');
      const archive = (name: string, version: number) => server.client.POST('/v1/models/{name}/versions/{version}/archive', versionPath(name, version));
      expect((await archive('versioned', 3)).response.status).toBe(200);
      expect((await archive('archived-only', 1)).response.status).toBe(200);
      const setAlias = (name: string, alias: string, version: number) =>
        server.client.PUT('/v1/models/{name}/aliases/{alias}', { params: { path: { name, alias } }, body: { version } });
      expect((await setAlias('versioned', 'production', 1)).response.status).toBe(200);
      // An alias may point at an archived version: it shows as it is.
      expect((await setAlias('versioned', 'canary', 3)).response.status).toBe(200);
      expect((await setAlias('archived-only', 'old', 1)).response.status).toBe(200);

      const { data } = await list({ q: 'summary check' });
      expect(data!.total).toBe(3);
      const byName = Object.fromEntries(data!.items.map((item) => [item.name, item]));
      expect(byName.versioned).toMatchObject({ latestVersion: 2, aliases: { canary: 3, production: 1 } });
      expect(byName['archived-only']).toMatchObject({ latestVersion: null, aliases: { old: 1 } });
      expect(byName.versionless).toMatchObject({ latestVersion: null, aliases: {} });

      // The rest of each item is the model's record, as GET /v1/models/{name} has it.
      const read = await server.client.GET('/v1/models/{name}', { params: { path: { name: 'versioned' } } });
      // (toEqual takes the undefined model_version_status, which GET adds, for absent.)
      expect(byName.versioned).toEqual({ ...read.data, model_version_status: undefined, latestVersion: 2, aliases: { canary: 3, production: 1 } });
      // Other model endpoints keep the plain record.
      expect(read.data).not.toHaveProperty('latestVersion');
      expect(read.data).not.toHaveProperty('aliases');

      // The unfiltered list carries the same, on any page.
      const all = (await list({ limit: 500 })).data!;
      expect(all.items).toHaveLength(all.total);
      expect(all.items.find((item) => item.name === 'mnist-teacher')).toMatchObject({ latestVersion: null, aliases: {} });
      const position = all.items.findIndex((item) => item.name === 'versioned');
      expect((await list({ limit: 1, offset: position })).data!.items).toEqual([byName.versioned]);
    });
  });
}

modelListSuite('SQLite', () => startTestServer());
if (postgresAdminUrl) {
  const adminUrl = postgresAdminUrl;
  modelListSuite('PostgreSQL', () => startPostgresTestServer(adminUrl));
} else {
  const message = `model list and search on PostgreSQL skipped: ${POSTGRES_SKIP_MESSAGE}`;
  console.warn(message);
  describe.skip(message, () => {
    it('lists and searches models on PostgreSQL', () => {});
  });
}
