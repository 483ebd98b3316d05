// GET /v1/keys/current over real HTTP: any valid key reads its own record (scopes included, no secret),
// whatever its scopes; no key, a wrong one or a revoked one is 401. Runs on SQLite, and on PostgreSQL
// too when DATABASE_TEST_URL is set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDistilleryClient } from '../../openapi/client';
import type { Scope } from '../../src/registry/records';
import { startTestServer, type TestServer } from '../support/server';
import { POSTGRES_SKIP_MESSAGE, postgresAdminUrl, startPostgresTestServer } from './postgres-test-server';

function currentKeySuite(backend: string, start: () => Promise<TestServer>): void {
  describe(`the current API key on ${backend}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await start();
    });
    afterAll(() => server.close());

    async function issueKey(name: string, scopes: Scope[]) {
      const { data, response } = await server.client.POST('/v1/keys', { body: { name, scopes } });
      expect(response.status).toBe(201);
      return data!;
    }
    const current = (token: string) => createDistilleryClient(server.baseUrl, token).GET('/v1/keys/current');

    it('shows a read-only key its own record, scopes ["read"], without the secret', async () => {
      const issued = await issueKey('dashboard viewer', ['read']);
      const { data, response } = await current(issued.token);
      expect(response.status).toBe(200);
      expect(data).toEqual({ id: issued.id, name: 'dashboard viewer', scopes: ['read'], createdAt: issued.createdAt, revokedAt: null });
      expect(JSON.stringify(data)).not.toContain(issued.token.split('_').slice(2).join('_'));
    });

    it('shows the admin key admin', async () => {
      const { data, response } = await server.client.GET('/v1/keys/current');
      expect(response.status).toBe(200);
      expect(data).toMatchObject({ id: server.adminKey.split('_')[1], scopes: ['admin'], revokedAt: null });
    });

    it('answers any key, whatever its scopes', async () => {
      for (const scopes of [['predict'], ['node'], ['write'], ['read', 'write']] satisfies Scope[][]) {
        const issued = await issueKey(scopes.join('+'), scopes);
        const { data, response } = await current(issued.token);
        expect(response.status, scopes.join('+')).toBe(200);
        expect(data).toMatchObject({ id: issued.id, scopes });
      }
    });

    it('is not taken for a key id by the /v1/keys/{id} routes', async () => {
      // DELETE /v1/keys/current revokes a key called "current" (there is none), never the caller's.
      const refused = await server.fetch('/v1/keys/current', { method: 'DELETE' });
      expect(refused.status).toBe(404);
      expect((await server.client.GET('/v1/keys/current')).data).toMatchObject({ revokedAt: null });
    });

    it('refuses no key, a wrong key and a revoked key with 401 problem+json', async () => {
      const issued = await issueKey('soon revoked', ['read']);
      expect((await server.client.DELETE('/v1/keys/{id}', { params: { path: { id: issued.id } } })).response.status).toBe(200);
      const [, id] = server.adminKey.split('_');
      for (const [label, apiKey] of [
        ['none', null],
        ['malformed', 'not-a-key'],
        ['wrong secret', `dk_${id}_${'x'.repeat(43)}`],
        ['revoked', issued.token],
      ] as const) {
        const response = await server.fetch('/v1/keys/current', {}, apiKey);
        expect(response.status, label).toBe(401);
        expect(response.headers.get('content-type'), label).toBe('application/problem+json');
        expect(response.headers.get('www-authenticate'), label).toMatch(/^Bearer realm="distillery"/);
        expect(await response.json(), label).toMatchObject({ status: 401, type: 'https://distillery.dev/problems/unauthorized' });
      }
    });
  });
}

currentKeySuite('SQLite', () => startTestServer());
if (postgresAdminUrl) {
  const adminUrl = postgresAdminUrl;
  currentKeySuite('PostgreSQL', () => startPostgresTestServer(adminUrl));
} else {
  const message = `the current API key on PostgreSQL skipped: ${POSTGRES_SKIP_MESSAGE}`;
  console.warn(message);
  describe.skip(message, () => {
    it('reads the current API key on PostgreSQL', () => {});
  });
}
