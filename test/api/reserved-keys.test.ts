// Keys JavaScript treats specially (`__proto__`, `constructor`) in tags, metrics and params: stored and
// returned like any other key, through JSON bodies and the multipart metadata part, on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { denseArtifact, uploadForm } from '../support/artifacts';
import { jsonBody } from '../support/requests';
import { startTestServer, type TestServer } from '../support/server';
import { POSTGRES_SKIP_MESSAGE, postgresAdminUrl, startPostgresTestServer } from './postgres-test-server';
import { createModel } from './typed-requests';

// Written as JSON text: a JS object literal `{ __proto__: … }` would set the prototype instead.
const TAGS = '{"__proto__":"kept","constructor":"also","team":"vision"}';
const EXPECTED_TAGS = JSON.parse(TAGS) as Record<string, string>;

/** Own keys only, as JSON.parse gives them: `__proto__` is an own key of what a client parses. */
const ownEntries = (value: unknown) => Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));

function reservedKeySuite(backend: string, start: () => Promise<TestServer>): void {
  describe(`reserved keys on ${backend}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await start();
    });
    afterAll(() => server.close());

    const readJson = async (path: string) => (await server.fetch(path)).json() as Promise<Record<string, unknown>>;
    const post = (path: string, text: string, method = 'POST') =>
      server.fetch(path, { method, headers: { 'Content-Type': 'application/json' }, body: text });

    it('keeps a model tag named __proto__ on create and on PATCH', async () => {
      const created = await post('/v1/models', `{"name":"proto-model","task":"classification","inputShape":[4],"classLabels":["a","b","c"],"tags":${TAGS}}`);
      expect(created.status).toBe(201);
      expect(ownEntries(((await created.json()) as { tags: unknown }).tags)).toEqual(ownEntries(EXPECTED_TAGS));
      expect(ownEntries((await readJson('/v1/models/proto-model')).tags)).toEqual(ownEntries(EXPECTED_TAGS));

      const patched = await post('/v1/models/proto-model', '{"tags":{"__proto__":"changed"}}', 'PATCH');
      expect(patched.status).toBe(200);
      expect(ownEntries((await readJson('/v1/models/proto-model')).tags)).toEqual([['__proto__', 'changed']]);
    });

    it('checks the value of a __proto__ tag like any other (422 naming it)', async () => {
      const response = await post('/v1/models/proto-model', '{"tags":{"__proto__":5}}', 'PATCH');
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({ errors: [{ in: 'body', path: 'tags.__proto__' }] });
    });

    it('keeps __proto__ in version tags, metrics and params from the multipart metadata part, and on PATCH', async () => {
      await createModel(server, 'proto-versions');
      const metadata = `{"tags":${TAGS},"metrics":{"__proto__":0.5,"accuracy":0.9},"params":{"__proto__":{"lr":0.001},"epochs":3}}`;
      const uploaded = await server.fetch('/v1/models/proto-versions/versions', { method: 'POST', body: uploadForm(await denseArtifact(), metadata) });
      expect(uploaded.status).toBe(201);
      const version = await readJson('/v1/models/proto-versions/versions/1');
      expect(ownEntries(version.tags)).toEqual(ownEntries(EXPECTED_TAGS));
      expect(ownEntries(version.metrics)).toEqual([['__proto__', 0.5], ['accuracy', 0.9]]);
      expect(ownEntries(version.params)).toEqual([['__proto__', { lr: 0.001 }], ['epochs', 3]]);

      const patched = await server.fetch('/v1/models/proto-versions/versions/1', jsonBody({ tags: EXPECTED_TAGS }, 'PATCH'));
      expect(patched.status).toBe(200);
      expect(ownEntries((await readJson('/v1/models/proto-versions/versions/1')).tags)).toEqual(ownEntries(EXPECTED_TAGS));
    });

    it("keeps __proto__ in a lineage edge's params", async () => {
      const parent = '{"parents":[{"model":"proto-versions","version":1,"relation":"teacher","params":{"__proto__":{"temperature":2}}}]}';
      const uploaded = await server.fetch('/v1/models/proto-versions/versions', { method: 'POST', body: uploadForm(await denseArtifact(), parent) });
      expect(uploaded.status).toBe(201);
      const lineage = (await readJson('/v1/models/proto-versions/versions/2/lineage?direction=ancestors')) as { edges: { params: unknown }[] };
      expect(lineage.edges.map((edge) => ownEntries(edge.params))).toEqual([[['__proto__', { temperature: 2 }]]]);
    });
  });
}

reservedKeySuite('SQLite', () => startTestServer());
if (postgresAdminUrl) reservedKeySuite('PostgreSQL', () => startPostgresTestServer(postgresAdminUrl!));
else describe.skip(`reserved keys on PostgreSQL (${POSTGRES_SKIP_MESSAGE})`, () => it('keeps __proto__ keys on PostgreSQL', () => {}));
