// /v1/datasets over real HTTP: upload, list, get, verified download, refusals that change nothing, and the scopes.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobFolder } from '../../src/config';
import { idxImages, idxLabels, smallIdxFiles } from '../registry/datasets-fixtures';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
let readKey: string;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function call(path: string, init: RequestInit & { key?: string | null } = {}): Promise<Response> {
  const { key = server.adminKey, headers, ...rest } = init;
  const auth: Record<string, string> = key === null ? {} : { Authorization: `Bearer ${key}` };
  return fetch(`${server.baseUrl}/v1/datasets${path}`, { ...rest, headers: { ...auth, ...(headers as Record<string, string>) } });
}

const postJson = (path: string, body: unknown, key?: string) =>
  call(path, { method: 'POST', key, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

function uploadForm(fields: Record<string, string>, files: Record<string, Uint8Array>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const [role, bytes] of Object.entries(files)) form.append(role, new Blob([bytes as Uint8Array<ArrayBuffer>]), role);
  return form;
}

async function storedState() {
  const list = (await (await call('?limit=500')).json()) as { total: number };
  const blobs = await readdir(blobFolder({ dataDir: server.dataDir }), { recursive: true }).catch(() => []);
  return { total: list.total, blobs: blobs.sort() };
}

beforeAll(async () => {
  server = await startTestServer();
  const issued = await fetch(`${server.baseUrl}/v1/keys`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.adminKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'reader', scopes: ['read'] }),
  });
  readKey = ((await issued.json()) as { token: string }).token;
});

afterAll(async () => {
  await server.close();
});

describe('upload, read, download', () => {
  const files = smallIdxFiles();

  it('registers an IDX upload and serves it back', async () => {
    const created = await call('', {
      method: 'POST',
      body: uploadForm({ name: 'tiny', format: 'idx', description: 'six digits', class_labels: '["zero","one","two"]' }, files),
    });
    expect(created.status).toBe(201);
    const dataset = await created.json();
    expect(dataset).toMatchObject({
      name: 'tiny',
      version: 1,
      format: 'idx',
      source: 'upload',
      description: 'six digits',
      shape: [4, 5, 1],
      classLabels: ['zero', 'one', 'two'],
      splits: { train: { count: 6, classCounts: [1, 2, 3] }, test: { count: 3, classCounts: [2, 0, 1] } },
    });
    expect(dataset.files).toContainEqual({ role: 'train-images', sha256: sha256(files['train-images']!), size: files['train-images']!.length });

    const list = await (await call('', { key: readKey })).json();
    expect(list).toMatchObject({ total: 1, limit: 50, offset: 0 });
    expect(list.items[0].id).toBe(dataset.id);
    expect(await (await call('/tiny', { key: readKey })).json()).toEqual(dataset);
    expect(await (await call('/tiny/versions/1', { key: readKey })).json()).toEqual(dataset);
  });

  it('downloads each file byte for byte, with its sha256 as ETag', async () => {
    for (const [role, bytes] of Object.entries(files)) {
      const response = await call(`/tiny/versions/1/files/${role}`, { key: readKey });
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
    }
  });

  it('replays a retried upload with the same Idempotency-Key instead of registering it twice', async () => {
    // Serialised once, so the retry sends the same bytes (a fresh FormData would get a new boundary).
    const request = new Request('http://x', { method: 'POST', body: uploadForm({ name: 'retried', format: 'idx' }, files) });
    const body = await request.arrayBuffer();
    const headers = { 'Idempotency-Key': 'upload-retried-1', 'Content-Type': request.headers.get('content-type')! };
    const first = await call('', { method: 'POST', headers, body });
    const retry = await call('', { method: 'POST', headers, body });
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual(await first.json());
    expect((await (await call('/retried/versions/2')).json()).status).toBe(404);
  });

  it('answers 404 problems for unknown versions and roles', async () => {
    const version = await call('/tiny/versions/9', { key: readKey });
    expect(version.status).toBe(404);
    expect(version.headers.get('content-type')).toContain('application/problem+json');
    expect((await call('/tiny/versions/1/files/train', { key: readKey })).status).toBe(404);
  });
});

describe('refusals change nothing', () => {
  it('answers 422 naming a malformed file', async () => {
    const before = await storedState();
    const response = await call('', {
      method: 'POST',
      body: uploadForm({ name: 'broken', format: 'idx' }, { ...smallIdxFiles(), 'train-images': idxImages(6, 4, 5).slice(0, 30) }),
    });
    expect(response.status).toBe(422);
    const problem = await response.json();
    expect(problem.type).toMatch(/unprocessable-entity$/);
    expect(problem.detail).toMatch(/file "train-images": images file truncated/);
    expect(problem.errors).toEqual([{ in: 'multipart', path: 'train-images', message: problem.detail }]);
    expect(await storedState()).toEqual(before);
  });

  it('answers 422 naming the labels file when a stray label leaves classes without examples', async () => {
    const before = await storedState();
    const files = { ...smallIdxFiles(), 'train-labels': idxLabels([0, 1, 2, 2, 250, 2]) };
    const response = await call('', { method: 'POST', body: uploadForm({ name: 'stray-label', format: 'idx' }, files) });
    expect(response.status).toBe(422);
    const problem = await response.json();
    expect(problem.detail).toMatch(/^file "train-labels" has label 250, but labels 3, 4/);
    expect(problem.errors).toEqual([{ in: 'multipart', path: 'train-labels', message: problem.detail }]);
    expect(await storedState()).toEqual(before);
  });

  it('answers 422 naming class_labels that are not a JSON list, and parts that are not roles', async () => {
    const labels = await call('', { method: 'POST', body: uploadForm({ name: 'x', format: 'idx', class_labels: 'cat,dog' }, smallIdxFiles()) });
    expect(labels.status).toBe(422);
    expect((await labels.json()).errors).toEqual([{ in: 'multipart', path: 'class_labels', message: 'must be a JSON array of one or more strings' }]);

    const badName = await call('', { method: 'POST', body: uploadForm({ name: 'Not A Name', format: 'idx' }, smallIdxFiles()) });
    expect(badName.status).toBe(422);
    expect((await badName.json()).errors).toEqual([expect.objectContaining({ in: 'multipart', path: 'name' })]);

    const stray = await call('', { method: 'POST', body: uploadForm({ name: 'x', format: 'idx' }, { ...smallIdxFiles(), extra: new Uint8Array(3) }) });
    expect(stray.status).toBe(422);
    expect(JSON.stringify((await stray.json()).errors)).toContain('extra');
  });

  it('refuses writes with a read-only key (403) and requests without a key (401)', async () => {
    const before = await storedState();
    const forbidden = await call('', { method: 'POST', key: readKey, body: uploadForm({ name: 'nope', format: 'idx' }, smallIdxFiles()) });
    expect(forbidden.status).toBe(403);
    expect((await postJson('/builtin', { builtin: 'mnist' }, readKey)).status).toBe(403);
    expect((await call('', { key: null })).status).toBe(401);
    expect((await call('/tiny/versions/1/files/train-images', { key: null })).status).toBe(401);
    expect(await storedState()).toEqual(before);
  });
});

describe('gzip-compressed files', () => {
  it('accepts IDX files as downloaded (.gz), and stores and serves them decompressed', async () => {
    const files = smallIdxFiles();
    const gzipped = Object.fromEntries(Object.entries(files).map(([role, bytes]) => [role, new Uint8Array(gzipSync(bytes))]));
    const response = await call('', { method: 'POST', body: uploadForm({ name: 'gzipped', format: 'idx' }, gzipped) });
    expect(response.status).toBe(201);
    const dataset = await response.json();
    expect(dataset.splits).toEqual({ train: { count: 6, classCounts: [1, 2, 3] }, test: { count: 3, classCounts: [2, 0, 1] } });
    for (const [role, bytes] of Object.entries(files)) {
      expect(dataset.files).toContainEqual({ role, sha256: sha256(bytes), size: bytes.length });
      const download = await call(`/gzipped/versions/1/files/${role}`, { key: readKey });
      expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
    }
  });

  it('answers 422 naming a gzip file that is corrupt', async () => {
    const before = await storedState();
    const cut = new Uint8Array(gzipSync(smallIdxFiles()['train-labels']!)).slice(0, 15);
    const response = await call('', { method: 'POST', body: uploadForm({ name: 'cut-gzip', format: 'idx' }, { ...smallIdxFiles(), 'train-labels': cut }) });
    expect(response.status).toBe(422);
    const problem = await response.json();
    expect(problem.errors).toEqual([{ in: 'multipart', path: 'train-labels', message: expect.stringMatching(/^file "train-labels": gzip data is corrupt/) }]);
    expect(await storedState()).toEqual(before);
  });
});

describe('built-ins', () => {
  it('registers MNIST under a chosen name', async () => {
    const response = await postJson('/builtin', { builtin: 'mnist', name: 'mnist-official' });
    expect(response.status).toBe(201);
    const dataset = await response.json();
    expect(dataset).toMatchObject({ name: 'mnist-official', source: 'builtin:mnist', shape: [28, 28, 1] });
    expect([dataset.splits.train.count, dataset.splits.test.count]).toEqual([60_000, 10_000]);
  });

  it('refuses built-ins it does not know with 422 naming the field', async () => {
    const response = await postJson('/builtin', { builtin: 'imagenet' });
    expect(response.status).toBe(422);
    expect((await response.json()).errors[0].path).toBe('builtin');
  });
});
