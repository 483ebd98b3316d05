// End to end on workerd: the Worker bundle wrangler would deploy, on Miniflare's D1 and R2, driven over
// real HTTP through the typed client — keys, models, an upload into R2, aliases, lineage, verified
// downloads, and the refusals (401/403, problem+json) that leave the registry unchanged.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDistilleryClient, uploadVersion, type DistilleryClient } from '../../openapi/client';
import { IMMUTABLE_CACHE, UI_SECURITY_HEADERS } from '../../src/api/routes/ui';
import { smallIdxFiles } from '../registry/datasets-fixtures';
import { concatenatedWeights, DENSE_MODEL, denseArtifact, denseArtifactWithShape, uploadForm } from '../support/artifacts';
import { buildWorkerBundle, type WorkerBundle } from './worker-bundle';
import { migratedLocalState, startWorkerd, type WorkerdWorker } from './workerd-worker';

const ADMIN_KEY = 'dk_workeradmin_e2e0123456789abcdefXYZ';

let bundle: WorkerBundle;
let state: Awaited<ReturnType<typeof migratedLocalState>>;
let worker: WorkerdWorker;
let admin: DistilleryClient;

beforeAll(async () => {
  [bundle, state] = await Promise.all([buildWorkerBundle(), migratedLocalState()]);
  worker = await startWorkerd(bundle.scriptPath, state.folder, { DISTILLERY_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'warn' });
  admin = createDistilleryClient(worker.url, ADMIN_KEY);
}, 120_000);
afterAll(async () => {
  await worker?.dispose();
  await Promise.all([state?.dispose(), bundle?.dispose()]);
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function createModel(name: string) {
  const { data, error, response } = await admin.POST('/v1/models', { body: { name, ...DENSE_MODEL } });
  if (!data) throw new Error(`creating ${name}: ${response.status} ${JSON.stringify(error)}`);
  return data;
}

async function modelNames(): Promise<string[]> {
  const { data } = await admin.GET('/v1/models', { params: { query: { limit: 100 } } });
  return data!.items.map((model) => model.name).sort();
}

async function versionNumbers(model: string): Promise<number[]> {
  const { data } = await admin.GET('/v1/models/{name}/versions', { params: { path: { name: model }, query: { include_archived: 'true' } } });
  return data!.items.map((version) => version.version);
}

/** Checks a refusal: a raw Response, or the typed client's result (which has read the body into `error`). */
async function expectProblem(result: Response | { response: Response; error?: unknown }, status: number, type: string): Promise<Record<string, unknown>> {
  const response = result instanceof Response ? result : result.response;
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (result instanceof Response ? await response.json() : result.error) as Record<string, unknown>;
  expect(problem).toMatchObject({ status, type: `https://distillery.dev/problems/${type}` });
  return problem;
}

describe('the Worker on workerd', () => {
  it('answers /health without a key, and refuses the API without a valid one', async () => {
    expect(await (await fetch(`${worker.url}/health`)).json()).toEqual({ status: 'ok', serving: null });
    await expectProblem(await fetch(`${worker.url}/v1/models`), 401, 'unauthorized');
    const wrongKey = createDistilleryClient(worker.url, 'dk_workeradmin_wrongwrongwrongwrong');
    await expectProblem(await wrongKey.GET('/v1/models'), 401, 'unauthorized');
  });

  it('serves /docs: its page from the Worker, Swagger UI from static assets', async () => {
    const page = await fetch(`${worker.url}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/docs/swagger-ui-bundle.js');
    for (const [file, type] of [['init.js', 'javascript'], ['swagger-ui-bundle.js', 'javascript'], ['swagger-ui.css', 'css']]) {
      const asset = await fetch(`${worker.url}/docs/${file}`);
      expect(asset.status, file).toBe(200);
      expect(asset.headers.get('content-type'), file).toContain(type);
      await asset.arrayBuffer();
    }
  });

  it('serves the dashboard at /ui/ from static assets: the page and every script and stylesheet it names', async () => {
    const redirect = await fetch(`${worker.url}/ui`, { redirect: 'manual' });
    expect([307, 308]).toContain(redirect.status);
    expect(new URL(redirect.headers.get('location')!, worker.url).pathname).toBe('/ui/');
    const page = await fetch(`${worker.url}/ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    // The Node server's headers, from the _headers file the build writes.
    for (const [name, value] of Object.entries(UI_SECURITY_HEADERS)) expect(page.headers.get(name), name).toBe(value);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/ui\/assets\/[^"]+)"/g)].map((match) => match[1]!);
    expect(assets.some((path) => path.endsWith('.js'))).toBe(true);
    for (const path of assets) {
      const asset = await fetch(`${worker.url}${path}`);
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get('cache-control'), path).toBe(IMMUTABLE_CACHE);
      expect((await asset.arrayBuffer()).byteLength, path).toBeGreaterThan(1000);
    }
  });

  it('issues a read-only key that may read but not write (403, nothing created)', async () => {
    const { data: issued, response } = await admin.POST('/v1/keys', { body: { name: 'reader', scopes: ['read'] } });
    expect(response.status).toBe(201);
    const reader = createDistilleryClient(worker.url, issued!.token);
    expect((await reader.GET('/v1/models')).response.status).toBe(200);
    const before = await modelNames();
    await expectProblem(await reader.POST('/v1/models', { body: { name: 'by-reader', ...DENSE_MODEL } }), 403, 'forbidden');
    expect(await modelNames()).toEqual(before);
  });

  it('uploads a version into R2, sets an alias, and downloads both files with their sha256 verified', async () => {
    const model = await createModel('teacher');
    const artifact = await denseArtifact(2);
    const { data: version, response } = await uploadVersion(admin, 'teacher', uploadForm(artifact, { description: 'on workerd' }));
    expect(response.status).toBe(201);
    expect(version).toMatchObject({ model: 'teacher', version: 1, description: 'on workerd' });

    const weightsKey = `models/${model.id}/${version!.id}/weights.bin`;
    expect(await worker.bucket.head(weightsKey)).toMatchObject({ size: version!.files['weights.bin'].size });

    const { data: alias, response: aliasResponse } = await admin.PUT('/v1/models/{name}/aliases/{alias}', {
      params: { path: { name: 'teacher', alias: 'production' } },
      body: { version: 1 },
    });
    expect(aliasResponse.status).toBe(200);
    expect(alias).toMatchObject({ alias: 'production', version: { id: version!.id, version: 1 } });

    for (const file of ['weights.bin', 'model.json'] as const) {
      const download = await admin.GET('/v1/models/{name}/versions/{version}/files/{file}', {
        params: { path: { name: 'teacher', version: 'production', file } },
        parseAs: 'arrayBuffer',
      });
      expect(download.response.status).toBe(200);
      const bytes = new Uint8Array(download.data as ArrayBuffer);
      expect(sha256(bytes)).toBe(version!.files[file].sha256);
      expect(download.response.headers.get('etag')).toBe(`"${version!.files[file].sha256}"`);
      if (file === 'weights.bin') expect(Buffer.from(bytes)).toEqual(Buffer.from(concatenatedWeights(artifact)));
    }
  });

  it('registers a student with the teacher as parent and reads the lineage both ways', async () => {
    await createModel('student');
    const parents = [{ model: 'teacher', version: 1, relation: 'teacher' as const, method: 'knowledge-distillation', params: { temperature: 2 } }];
    const { data: student, response } = await uploadVersion(admin, 'student', uploadForm(await denseArtifact(), { parents }));
    expect(response.status).toBe(201);

    const { data: ancestors } = await admin.GET('/v1/models/{name}/versions/{version}/lineage', {
      params: { path: { name: 'student', version: '1' }, query: { direction: 'ancestors' } },
    });
    expect(ancestors!.nodes.map((node) => [node.model, node.version, node.distance])).toEqual([['teacher', 1, -1], ['student', 1, 0]]);
    expect(ancestors!.edges).toEqual([expect.objectContaining({ child: student!.id, relation: 'teacher', method: 'knowledge-distillation', params: { temperature: 2 } })]);

    const { data: descendants } = await admin.GET('/v1/models/{name}/versions/{version}/lineage', {
      params: { path: { name: 'teacher', version: '1' }, query: { direction: 'descendants' } },
    });
    expect(descendants!.nodes.map((node) => node.model)).toEqual(['teacher', 'student']);
  });

  it('refuses bad input with problem+json naming the field, and stores nothing', async () => {
    const models = await modelNames();
    const badModel = await admin.POST('/v1/models', { body: { name: 'Not A Name!', ...DENSE_MODEL } });
    const problem = await expectProblem(badModel, 422, 'validation-error');
    expect(problem.errors).toEqual([expect.objectContaining({ in: 'body', path: 'name' })]);
    expect(await modelNames()).toEqual(models);

    const versions = await versionNumbers('student');
    // An artifact whose shape does not match the model (5 inputs, not 4).
    const mismatched = await uploadVersion(admin, 'student', uploadForm(await denseArtifactWithShape(5, 3)));
    await expectProblem(mismatched, 422, 'unprocessable-entity');
    // A parent that does not exist.
    const orphan = await uploadVersion(admin, 'student', uploadForm(await denseArtifact(), { parents: [{ model: 'teacher', version: 9, relation: 'teacher' }] }));
    await expectProblem(orphan, 422, 'unprocessable-entity');
    // Malformed JSON.
    const malformed = await fetch(`${worker.url}/v1/models`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
      body: '{"name":',
    });
    await expectProblem(malformed, 400, 'bad-request');
    expect(await versionNumbers('student')).toEqual(versions);
    expect(await modelNames()).toEqual(models);
  });

  it('registers an uploaded dataset into R2 and serves its files verified; built-in datasets need a file system', async () => {
    const files = smallIdxFiles();
    const form = new FormData();
    form.append('name', 'digits');
    form.append('format', 'idx');
    for (const [role, bytes] of Object.entries(files)) form.append(role, new Blob([bytes as Uint8Array<ArrayBuffer>]), role);
    const { data: dataset, response } = await admin.POST('/v1/datasets', { body: form as never, bodySerializer: () => form });
    expect(response.status).toBe(201);
    const [role, bytes] = Object.entries(files)[0]!;
    const download = await admin.GET('/v1/datasets/{name}/versions/{version}/files/{role}', {
      params: { path: { name: 'digits', version: dataset!.version, role } },
      parseAs: 'arrayBuffer',
    });
    expect(download.response.status).toBe(200);
    expect(sha256(new Uint8Array(download.data as ArrayBuffer))).toBe(sha256(bytes));

    const builtin = await admin.POST('/v1/datasets/builtin', { body: { builtin: 'mnist' } });
    const problem = await expectProblem(builtin, 422, 'unprocessable-entity');
    expect(problem.errors).toEqual([expect.objectContaining({ path: 'builtin' })]);
  });

  it('never serves whole a weights file changed in R2 behind its back', async () => {
    const model = await createModel('tampered');
    const { data: version } = await uploadVersion(admin, 'tampered', uploadForm(await denseArtifact()));
    const key = `models/${model.id}/${version!.id}/weights.bin`;
    const bytes = new Uint8Array(await new Response((await worker.bucket.get(key))!.body).arrayBuffer());
    bytes[bytes.length - 1]! ^= 0xff;
    await worker.bucket.put(key, bytes, {});

    const response = await fetch(`${worker.url}/v1/models/tampered/versions/1/files/weights.bin`, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
    const received = await response.arrayBuffer().then((body) => body.byteLength, () => 'aborted' as const);
    expect(received === 'aborted' || received < bytes.length).toBe(true);
  });

  it('answers predict and infer 501 with `error`, as a Worker cannot run models, and says it is not ready to serve', async () => {
    const headers = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };
    for (const [path, body] of [
      ['/v1/models/teacher:predict', { instances: [[0.1, 0.2, 0.3, 0.4]] }],
      ['/v2/models/teacher/infer', { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [0.1, 0.2, 0.3, 0.4] }] }],
    ] as const) {
      const response = await fetch(`${worker.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      const problem = await expectProblem(response, 501, 'prediction-unavailable');
      expect(problem.error, path).toBe(problem.detail);
      expect(problem.detail, path).toMatch(/send predictions to a Node server/);
    }
    expect(await (await fetch(`${worker.url}/v2/health/ready`)).json()).toEqual({ ready: false });
    expect(await (await fetch(`${worker.url}/v2/models/teacher/ready`, { headers })).json()).toEqual({ name: 'teacher', ready: false });
  });
});

describe('the Worker on workerd, misconfigured or without its admin secret', () => {
  it('answers 500 problem+json naming the variable to fix, and serves nothing else', async () => {
    const misconfigured = await startWorkerd(bundle.scriptPath, state.folder, { DISTILLERY_UPLOAD_LIMIT: '100MB', LOG_LEVEL: 'silent' });
    try {
      for (const path of ['/health', '/v1/models']) {
        const problem = await expectProblem(await fetch(`${misconfigured.url}${path}`), 500, 'misconfigured');
        expect(problem.detail).toMatch(/DISTILLERY_UPLOAD_LIMIT must be an integer/);
      }
    } finally {
      await misconfigured.dispose();
    }
  });

  it('creates no key without DISTILLERY_ADMIN_KEY on an empty registry, and refuses the API', async () => {
    const empty = await migratedLocalState();
    const keyless = await startWorkerd(bundle.scriptPath, empty.folder, { LOG_LEVEL: 'silent' });
    try {
      expect((await fetch(`${keyless.url}/health`)).status).toBe(200);
      await expectProblem(await fetch(`${keyless.url}/v1/models`, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } }), 401, 'unauthorized');
    } finally {
      await keyless.dispose();
      await empty.dispose();
    }
  }, 60_000);
});
