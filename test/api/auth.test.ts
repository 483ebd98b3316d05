// API keys and authentication over real HTTP: 401s, scope 403s, admin implying every scope, revocation, public routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDistilleryClient } from '../../openapi/client';
import type { Scope } from '../../src/registry/records';
import { DENSE_MODEL } from '../support/artifacts';
import { addDenseVersion, createDenseModel, jsonBody, uploadDenseVersion } from '../support/requests';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await createDenseModel(server, 'guarded');
  await addDenseVersion(server, 'guarded');
});
afterAll(() => server.close());

async function issueKey(scopes: Scope[], name = scopes.join('+')): Promise<{ id: string; token: string }> {
  const { data, response } = await server.client.POST('/v1/keys', { body: { name, scopes } });
  expect(response.status).toBe(201);
  return { id: data!.id, token: data!.token };
}

async function expectProblem(response: Response, status: number, type: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(await response.json()).toMatchObject({ status, type: `https://distillery.dev/problems/${type}` });
}

describe('authentication', () => {
  it('refuses a missing, malformed or wrong key with 401 and an RFC 6750 Bearer challenge', async () => {
    const challenge = 'Bearer realm="distillery"';
    const refused = 'Bearer realm="distillery", error="invalid_token"';
    const [, id] = server.adminKey.split('_');
    for (const [response, expected] of [
      [await server.fetch('/v1/models', {}, null), challenge],
      [await server.fetch('/v1/models', { headers: { Authorization: 'Basic abc' } }, null), challenge],
      [await server.fetch('/v1/models', {}, 'not-a-key'), refused],
      [await server.fetch('/v1/models', {}, `dk_${id}_${'x'.repeat(43)}`), refused],
    ] as const) {
      expect(response.headers.get('www-authenticate')).toBe(expected);
      await expectProblem(response, 401, 'unauthorized');
    }
  });

  it('lets anyone read health, the spec and the docs', async () => {
    for (const path of ['/health', '/openapi.json', '/docs', '/docs/swagger-ui-bundle.js']) {
      expect((await server.fetch(path, {}, null)).status, path).toBe(200);
    }
  });

  it('serves the docs page and its assets offline, nothing outside swagger-ui-dist', async () => {
    const page = await (await server.fetch('/docs', {}, null)).text();
    for (const asset of page.match(/\/docs\/[\w.-]+/g) ?? []) expect((await server.fetch(asset, {}, null)).status, asset).toBe(200);
    expect(page).not.toMatch(/https?:\/\//);
    expect((await server.fetch('/docs/..%2Fpackage.json', {}, null)).status).toBe(404);
    expect((await server.fetch('/docs/package.json', {}, null)).status).toBe(404);
  });

  it('starts Swagger UI without the online validator and without keeping the key in localStorage', async () => {
    const response = await server.fetch('/docs/init.js', {}, null);
    expect(response.status).toBe(200);
    const script = await response.text();
    expect(script).toContain('SwaggerUIBundle({');
    expect(script).toMatch(/\bvalidatorUrl: null\b/);
    expect(script).not.toContain('persistAuthorization');
  });

  it('refuses a revoked key with 401', async () => {
    const key = await issueKey(['read']);
    expect((await server.fetch('/v1/models', {}, key.token)).status).toBe(200);
    const revoke = await server.client.DELETE('/v1/keys/{id}', { params: { path: { id: key.id } } });
    expect(revoke.data!.revokedAt).not.toBeNull();
    const refused = await server.fetch('/v1/models', {}, key.token);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="distillery", error="invalid_token"');
    await expectProblem(refused, 401, 'unauthorized');
  });

  it('refuses to revoke the last active admin key (409), and revokes an admin key that is not the last', async () => {
    // A server of its own: this revokes the bootstrap admin key the other tests use.
    const own = await startTestServer();
    try {
      const [, bootstrapId] = own.adminKey.split('_');
      const issued = await own.client.POST('/v1/keys', { body: { name: 'spare-admin', scopes: ['admin', 'read'] } });
      const spare = issued.data!;
      const revoked = await own.client.DELETE('/v1/keys/{id}', { params: { path: { id: bootstrapId! } } });
      expect(revoked.response.status).toBe(200);
      const spareClient = createDistilleryClient(own.baseUrl, spare.token);
      const refused = await spareClient.DELETE('/v1/keys/{id}', { params: { path: { id: spare.id } } });
      expect(refused.response.status).toBe(409);
      expect(refused.response.headers.get('content-type')).toBe('application/problem+json');
      expect(refused.error).toMatchObject({ type: 'https://distillery.dev/problems/last-admin-key', status: 409 });
      const keys = (await spareClient.GET('/v1/keys')).data!.items;
      expect(keys.find((key) => key.id === spare.id)).toMatchObject({ revokedAt: null });
      expect(keys.find((key) => key.id === bootstrapId)!.revokedAt).not.toBeNull();
    } finally {
      await own.close();
    }
  });

  it('refuses a key request with an unknown scope (422), issuing nothing', async () => {
    const before = (await server.client.GET('/v1/keys')).data!.items.length;
    const response = await server.fetch('/v1/keys', jsonBody({ name: 'bad', scopes: ['root'] }));
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ errors: [expect.objectContaining({ in: 'body', path: 'scopes[0]' })] });
    expect((await server.client.GET('/v1/keys')).data!.items).toHaveLength(before);
  });

  it('lists keys without their secrets', async () => {
    const key = await issueKey(['write'], 'listed');
    const list = await server.client.GET('/v1/keys');
    const listed = list.data!.items.find((k) => k.id === key.id);
    expect(listed).toMatchObject({ name: 'listed', scopes: ['write'], revokedAt: null });
    expect(JSON.stringify(list.data)).not.toContain(key.token.split('_').slice(2).join('_'));
  });
});

describe('scopes', () => {
  it('read: may GET, may not create (403), nothing is created', async () => {
    const { token } = await issueKey(['read']);
    expect((await server.fetch('/v1/models/guarded', {}, token)).status).toBe(200);
    expect((await server.fetch('/v1/models/guarded/versions/1/files/weights.bin', {}, token)).status).toBe(200);
    await expectProblem(await server.fetch('/v1/models', jsonBody({ name: 'by-reader', ...DENSE_MODEL }), token), 403, 'forbidden');
    await expectProblem(await uploadDenseVersion(server, 'guarded', undefined, token), 403, 'forbidden');
    await expectProblem(await server.fetch('/v1/keys', {}, token), 403, 'forbidden');
    expect((await server.fetch('/v1/models/by-reader')).status).toBe(404);
  });

  it('write: may create and upload, may not read (403) or manage keys (403)', async () => {
    const { token } = await issueKey(['write']);
    expect((await server.fetch('/v1/models', jsonBody({ name: 'by-writer', ...DENSE_MODEL }), token)).status).toBe(201);
    expect((await uploadDenseVersion(server, 'by-writer', undefined, token)).status).toBe(201);
    await expectProblem(await server.fetch('/v1/models/by-writer', {}, token), 403, 'forbidden');
    await expectProblem(await server.fetch('/v1/keys', jsonBody({ name: 'x', scopes: ['admin'] }), token), 403, 'forbidden');
  });

  it('predict and node: refused on registry routes (403)', async () => {
    for (const scope of ['predict', 'node'] as const) {
      const { token } = await issueKey([scope]);
      await expectProblem(await server.fetch('/v1/models', {}, token), 403, 'forbidden');
    }
  });

  it('admin: implies read, write and key management', async () => {
    const { token } = await issueKey(['admin']);
    expect((await server.fetch('/v1/models/guarded', {}, token)).status).toBe(200);
    expect((await server.fetch('/v1/models', jsonBody({ name: 'by-admin', ...DENSE_MODEL }), token)).status).toBe(201);
    expect((await server.fetch('/v1/keys', {}, token)).status).toBe(200);
  });
});

describe('request id and logging', () => {
  it('echoes X-Request-Id and logs one line with it, the status and the key id', async () => {
    const response = await server.fetch('/v1/models/guarded', { headers: { 'X-Request-Id': 'trace-123' } });
    expect(response.headers.get('x-request-id')).toBe('trace-123');
    const line = server.logs.find((l) => l.event === 'request' && l.fields.requestId === 'trace-123');
    expect(line?.fields).toMatchObject({ method: 'GET', path: '/v1/models/guarded', status: 200, apiKeyId: server.adminKey.split('_')[1] });
    expect(typeof line?.fields.ms).toBe('number');
  });

  it('generates an id when none (or an unusable one) is sent, also on errors', async () => {
    const response = await server.fetch('/v1/models/absent', { headers: { 'X-Request-Id': 'bad id with spaces' } });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toMatchObject({ requestId: id, status: 404 });
  });
});
