// API keys and authentication over real HTTP: 401s, scope 403s, admin implying every scope, revocation, public routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDistilleryClient } from '../../openapi/client';
import { createApp } from '../../src/api/app';
import { declaredAccess } from '../../src/api/middleware/auth';
import type { Scope } from '../../src/registry/records';
import { DENSE_MODEL } from '../support/artifacts';
import { jsonBody } from '../support/requests';
import { startTestServer, type TestServer } from '../support/server';
import { addVersion, createModel, uploadDense } from './typed-requests';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await createModel(server, 'guarded');
  await addVersion(server, 'guarded');
});
afterAll(() => server.close());

async function issueKey(scopes: Scope[], name = scopes.join('+')): Promise<{ id: string; token: string }> {
  const { data, response } = await server.client.POST('/v1/keys', { body: { name, scopes } });
  expect(response.status).toBe(201);
  return { id: data!.id, token: data!.token };
}

/** A typed-client result refused with `status` and problem `type` (openapi-fetch has read the body into `error`). */
function expectRefused(result: { response: Response; error?: unknown }, status: number, type: string): void {
  expect(result.response.status).toBe(status);
  expect(result.response.headers.get('content-type')).toBe('application/problem+json');
  expect(result.error).toMatchObject({ status, type: `https://distillery.dev/problems/${type}` });
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

  it('answers an unknown path 404, with or without a key: the route table is public in /openapi.json anyway', async () => {
    for (const apiKey of [null, 'not-a-key', server.adminKey]) {
      const response = await server.fetch('/v1/no-such-thing', {}, apiKey);
      expect(response.headers.get('www-authenticate'), String(apiKey)).toBeNull();
      await expectProblem(response, 404, 'not-found');
    }
    // A known route still authenticates before it looks anything up, so no resource's existence leaks.
    await expectProblem(await server.fetch('/v1/models/absent', {}, null), 401, 'unauthorized');
  });

  it('has every route declare who may call it, and only health, KServe\'s server metadata and health, the spec, the docs and the dashboard are public', () => {
    const handlersByRoute = new Map<string, unknown[]>();
    for (const route of createApp(server.deps).routes) {
      if (route.method === 'ALL') continue; // app-wide middleware (deps, request id, logging)
      const key = `${route.method} ${route.path}`;
      handlersByRoute.set(key, [...(handlersByRoute.get(key) ?? []), route.handler]);
    }
    const access = [...handlersByRoute].map(([route, handlers]) => [route, handlers.map(declaredAccess).find(Boolean) ?? null] as const);
    expect(access.filter(([, declared]) => declared === null)).toEqual([]);
    expect(access.filter(([, declared]) => declared === 'public').map(([route]) => route).sort()).toEqual([
      'GET /docs',
      'GET /docs/:file',
      'GET /docs/init.js',
      'GET /health',
      'GET /openapi.json',
      'GET /ui',
      'GET /ui/*',
      'GET /v2',
      'GET /v2/health/live',
      'GET /v2/health/ready',
    ]);
    expect(access.length).toBeGreaterThan(20);
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
    expect((await createDistilleryClient(server.baseUrl, key.token).GET('/v1/models')).response.status).toBe(200);
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

  it('refuses Idempotency-Key on key creation: 20 concurrent calls with one key issue no key (422 naming the header)', async () => {
    const before = (await server.client.GET('/v1/keys')).data!.items.length;
    const init = jsonBody({ name: 'retried', scopes: ['read'] });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => server.fetch('/v1/keys', { ...init, headers: { ...init.headers, 'Idempotency-Key': 'same-key' } })),
    );
    for (const response of responses) {
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({
        type: 'https://distillery.dev/problems/validation-error',
        errors: [{ in: 'header', path: 'Idempotency-Key' }],
      });
    }
    expect((await server.client.GET('/v1/keys')).data!.items).toHaveLength(before);
    expect((await server.fetch('/v1/keys', init)).status).toBe(201);
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
  /** The typed client holding `token`, and the calls the scope checks make with it. */
  function callsWith(token: string) {
    const client = createDistilleryClient(server.baseUrl, token);
    return {
      readModel: (name: string) => client.GET('/v1/models/{name}', { params: { path: { name } } }),
      download: () =>
        client.GET('/v1/models/{name}/versions/{version}/files/{file}', {
          params: { path: { name: 'guarded', version: '1', file: 'weights.bin' } },
          parseAs: 'arrayBuffer',
        }),
      listModels: () => client.GET('/v1/models'),
      createModel: (name: string) => client.POST('/v1/models', { body: { name, ...DENSE_MODEL } }),
      listKeys: () => client.GET('/v1/keys'),
      issueKey: () => client.POST('/v1/keys', { body: { name: 'x', scopes: ['admin'] } }),
    };
  }
  const modelStatus = async (name: string) => (await server.client.GET('/v1/models/{name}', { params: { path: { name } } })).response.status;

  it('read: may GET, may not create (403), nothing is created', async () => {
    const { token } = await issueKey(['read']);
    const calls = callsWith(token);
    expect((await calls.readModel('guarded')).response.status).toBe(200);
    expect((await calls.download()).response.status).toBe(200);
    expectRefused(await calls.createModel('by-reader'), 403, 'forbidden');
    expectRefused(await uploadDense(server, 'guarded', undefined, token), 403, 'forbidden');
    expectRefused(await calls.listKeys(), 403, 'forbidden');
    expect(await modelStatus('by-reader')).toBe(404);
  });

  it('write: may create and upload, may not read (403) or manage keys (403)', async () => {
    const { token } = await issueKey(['write']);
    const calls = callsWith(token);
    expect((await calls.createModel('by-writer')).response.status).toBe(201);
    expect((await uploadDense(server, 'by-writer', undefined, token)).response.status).toBe(201);
    expectRefused(await calls.readModel('by-writer'), 403, 'forbidden');
    expectRefused(await calls.issueKey(), 403, 'forbidden');
  });

  it('predict and node: refused on registry routes (403)', async () => {
    for (const scope of ['predict', 'node'] as const) {
      const { token } = await issueKey([scope]);
      expectRefused(await callsWith(token).listModels(), 403, 'forbidden');
    }
  });

  it('admin: implies read, write and key management', async () => {
    const { token } = await issueKey(['admin']);
    const calls = callsWith(token);
    expect((await calls.readModel('guarded')).response.status).toBe(200);
    expect((await calls.createModel('by-admin')).response.status).toBe(201);
    expect((await calls.listKeys()).response.status).toBe(200);
  });
});

describe('request id and logging', () => {
  it('echoes X-Request-Id and logs one line with it, the status and the key id', async () => {
    const { response } = await server.client.GET('/v1/models/{name}', { params: { path: { name: 'guarded' } }, headers: { 'X-Request-Id': 'trace-123' } });
    expect(response.headers.get('x-request-id')).toBe('trace-123');
    const line = server.logs.find((l) => l.event === 'request' && l.fields.requestId === 'trace-123');
    expect(line?.fields).toMatchObject({ method: 'GET', path: '/v1/models/guarded', status: 200, apiKeyId: server.adminKey.split('_')[1] });
    expect(typeof line?.fields.ms).toBe('number');
  });

  it('generates an id when none (or an unusable one) is sent, also on errors', async () => {
    const { response, error } = await server.client.GET('/v1/models/{name}', {
      params: { path: { name: 'absent' } },
      headers: { 'X-Request-Id': 'bad id with spaces' },
    });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(error).toMatchObject({ requestId: id, status: 404 });
  });
});
