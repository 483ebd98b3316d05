// Control characters in text fields over real HTTP: C0 controls, DEL and C1 controls are refused
// (422 naming the field, nothing stored) in every one-line field; descriptions may hold tab and line breaks only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallIdxFiles } from '../registry/datasets-fixtures';
import { DENSE_MODEL, denseArtifact, uploadForm } from '../support/artifacts';
import { datasetUploadForm, jsonBody } from '../support/requests';
import { startTestServer, type TestServer } from '../support/server';
import { createModel, storedVersions } from './typed-requests';

/** NUL, ESC, DEL, a C1 control (NEL), and the line breaks and tab no one-line field may hold. */
const SINGLE_LINE_BREAKERS = ['\u0000', '\u001b[31m', '\u007f', '\u0085', '\u009b', '\n', '\r', '\t'];
/** What a description refuses: every control but tab, line feed and carriage return. */
const MULTI_LINE_BREAKERS = ['\u0000', '\u001b', '\u0008', '\u000b', '\u007f', '\u0085'];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await createModel(server, 'labelled');
});
afterAll(() => server.close());

async function expectFieldRefused(response: Response, where: string, path: string, label: string): Promise<void> {
  expect(response.status, label).toBe(422);
  const body = (await response.json()) as { errors: { in: string; path: string }[] };
  expect(body.errors, label).toContainEqual(expect.objectContaining({ in: where, path }));
}

const modelCount = async () => (await server.client.GET('/v1/models')).data!.total;
const keyCount = async () => (await server.client.GET('/v1/keys')).data!.items.length;
const datasetCount = async () => (await server.client.GET('/v1/datasets')).data!.total;

describe('control characters', () => {
  it('are refused in a model task, class labels, tag keys and values, and descriptions (JSON bodies)', async () => {
    const before = await modelCount();
    for (const bad of SINGLE_LINE_BREAKERS) {
      const label = JSON.stringify(bad);
      const create = (extra: object) => server.fetch('/v1/models', jsonBody({ name: 'controlled', ...DENSE_MODEL, ...extra }));
      await expectFieldRefused(await create({ task: `classify${bad}` }), 'body', 'task', label);
      await expectFieldRefused(await create({ classLabels: ['a', `b${bad}`, 'c'] }), 'body', 'classLabels[1]', label);
      await expectFieldRefused(await create({ tags: { team: `vision${bad}` } }), 'body', 'tags.team', label);
      const badKey = await create({ tags: { [`te${bad}am`]: 'vision' } });
      expect(badKey.status, label).toBe(422);
      expect(((await badKey.json()) as { errors: { path: string }[] }).errors[0]!.path, label).toMatch(/^tags/);
      await expectFieldRefused(await server.fetch('/v1/models/labelled', jsonBody({ tags: { team: `x${bad}` } }, 'PATCH')), 'body', 'tags.team', label);
    }
    for (const bad of MULTI_LINE_BREAKERS) {
      const label = JSON.stringify(bad);
      await expectFieldRefused(await server.fetch('/v1/models', jsonBody({ name: 'controlled', ...DENSE_MODEL, description: `a${bad}b` })), 'body', 'description', label);
      await expectFieldRefused(await server.fetch('/v1/models/labelled', jsonBody({ description: `a${bad}b` }, 'PATCH')), 'body', 'description', label);
    }
    expect(await modelCount()).toBe(before);
  });

  it('leave a description its tab and line breaks', async () => {
    const description = 'first line\nsecond\r\nthird\tcolumn';
    const created = await server.client.POST('/v1/models', { body: { name: 'multi-line', ...DENSE_MODEL, description } });
    expect(created.response.status).toBe(201);
    expect(created.data!.description).toBe(description);
  });

  it('are refused in API key names', async () => {
    const before = await keyCount();
    for (const bad of SINGLE_LINE_BREAKERS) {
      await expectFieldRefused(await server.fetch('/v1/keys', jsonBody({ name: `ci${bad}`, scopes: ['read'] })), 'body', 'name', JSON.stringify(bad));
    }
    expect(await keyCount()).toBe(before);
  });

  it('are refused in upload metadata: tags, metric names, parent method and run ids, description', async () => {
    const artifact = await denseArtifact();
    const upload = (metadata: object) => server.fetch('/v1/models/labelled/versions', { method: 'POST', body: uploadForm(artifact, JSON.stringify(metadata)) });
    for (const [metadata, path] of [
      [{ tags: { stage: 'a\u0000' } }, 'metadata.tags.stage'],
      [{ metrics: { 'acc\u001b': 0.5 } }, 'metadata.metrics'],
      [{ sourceRunId: 'run\n1' }, 'metadata.sourceRunId'],
      [{ description: 'x\u0007' }, 'metadata.description'],
      [{ parents: [{ model: 'labelled', version: 1, relation: 'teacher', method: 'kd\u0085' }] }, 'metadata.parents[0].method'],
    ] as const) {
      const response = await upload(metadata);
      expect(response.status, path).toBe(422);
      const errors = ((await response.json()) as { errors: { in: string; path: string }[] }).errors;
      expect(errors.some((e) => e.in === 'multipart' && e.path.startsWith(path)), `${path}: ${JSON.stringify(errors)}`).toBe(true);
    }
    expect(await storedVersions(server, 'labelled')).toEqual([]);
  });

  it('are refused in dataset class labels and descriptions (multipart)', async () => {
    const before = await datasetCount();
    const register = (fields: Record<string, string>) =>
      server.fetch('/v1/datasets', { method: 'POST', body: datasetUploadForm({ name: 'digits', format: 'idx', ...fields }, smallIdxFiles()) });
    await expectFieldRefused(await register({ class_labels: JSON.stringify(['zero', 'one\u0000', 'two']) }), 'multipart', 'class_labels[1]', 'NUL label');
    await expectFieldRefused(await register({ description: 'bad\u001b' }), 'multipart', 'description', 'ESC description');
    expect(await datasetCount()).toBe(before);
    expect((await register({ class_labels: JSON.stringify(['zero', 'one', 'two']), description: 'two\nlines' })).status).toBe(201);
  });
});
