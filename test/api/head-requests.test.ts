// HEAD on the file routes over real HTTP (local-folder blob store): answered from the recorded size and
// sha256 with nothing opened, so many HEADs leave the process's open file descriptors where they were.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallIdxFiles } from '../registry/datasets-fixtures';
import { datasetUploadForm } from '../support/requests';
import { startTestServer, type TestServer } from '../support/server';
import { addVersion, createModel } from './typed-requests';

const HEADS_PER_ROUTE = 100;
/** Leeway for descriptors the runtime opens on its own meanwhile (timers, the test runner's pipes). */
const FD_LEEWAY = 10;

let server: TestServer;
const files = smallIdxFiles();
beforeAll(async () => {
  server = await startTestServer();
  await createModel(server, 'headed');
  await addVersion(server, 'headed');
  const form = datasetUploadForm({ name: 'digits', format: 'idx' }, files);
  expect((await server.fetch('/v1/datasets', { method: 'POST', body: form })).status).toBe(201);
});
afterAll(() => server.close());

const openDescriptors = async () => (await readdir('/proc/self/fd')).length;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe.runIf(process.platform === 'linux')('HEAD on file routes', () => {
  const ROUTES = [
    '/v1/models/headed/versions/1/files/model.json',
    '/v1/models/headed/versions/1/files/weights.bin',
    '/v1/datasets/digits/versions/1/files/train-images',
    '/v1/datasets/digits/versions/1/files/test-labels',
  ];

  it('answers the headers a GET would, with no body', async () => {
    for (const path of ROUTES) {
      const got = await server.fetch(path);
      const bytes = new Uint8Array(await got.arrayBuffer());
      const head = await server.fetch(path, { method: 'HEAD' });
      expect(head.status, path).toBe(200);
      expect(head.headers.get('content-length'), path).toBe(String(bytes.byteLength));
      expect(head.headers.get('etag'), path).toBe(`"${sha256(bytes)}"`);
      expect(head.headers.get('content-type'), path).toBe(got.headers.get('content-type'));
      expect(head.headers.get('content-disposition'), path).toBe(got.headers.get('content-disposition'));
      expect((await head.arrayBuffer()).byteLength, path).toBe(0);
    }
    const dataset = await server.fetch('/v1/datasets/digits/versions/1/files/train-images', { method: 'HEAD' });
    expect(dataset.headers.get('etag')).toBe(`"${sha256(files['train-images']!)}"`);
  });

  it(`opens no file: ${HEADS_PER_ROUTE} HEADs per route leave the open descriptors where they were`, async () => {
    for (const path of ROUTES) await (await server.fetch(path, { method: 'HEAD' })).arrayBuffer(); // warm the connection
    const before = await openDescriptors();
    for (const path of ROUTES) {
      for (let i = 0; i < HEADS_PER_ROUTE; i++) {
        const response = await server.fetch(path, { method: 'HEAD' });
        expect(response.status).toBe(200);
        await response.arrayBuffer();
      }
    }
    expect(await openDescriptors()).toBeLessThan(before + FD_LEEWAY);
  });

  it('still refuses HEAD without a key (401) and answers 404 for a missing file', async () => {
    expect((await server.fetch(ROUTES[0]!, { method: 'HEAD' }, null)).status).toBe(401);
    expect((await server.fetch('/v1/datasets/digits/versions/1/files/nope', { method: 'HEAD' })).status).toBe(404);
  });
});
