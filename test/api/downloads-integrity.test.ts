// Downloads over real HTTP of files whose stored bytes were changed on disk: a client never gets a complete, successful body.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadVersion, versionUploadForm } from '../../openapi/client';
import { blobFolder } from '../../src/config';
import { idxImages, idxLabels } from '../registry/datasets-fixtures';
import { denseArtifactWithShape, encodeJson } from '../support/artifacts';
import { startTestServer, type TestServer } from '../support/server';
import { createModel } from './typed-requests';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface Download {
  status: number;
  declaredLength: number;
  received: Uint8Array;
  /** The error that ended the body read, if the body did not arrive whole. */
  failure: unknown;
}

/** Reads a download to its end or its failure, keeping what arrived. */
async function download(path: string): Promise<Download> {
  const response = await server.fetch(path);
  const declaredLength = Number(response.headers.get('content-length'));
  const chunks: Uint8Array[] = [];
  let failure: unknown;
  try {
    const reader = response.body!.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
  } catch (error) {
    failure = error;
  }
  return { status: response.status, declaredLength, received: new Uint8Array(Buffer.concat(chunks)), failure };
}

function isCompleteSuccess(result: Download): boolean {
  return result.status === 200 && result.failure === undefined && result.received.byteLength === result.declaredLength;
}

/** Flips one byte of a stored object in place, keeping its size: what a failing disk does. */
async function flipStoredByte(key: string, at: number): Promise<void> {
  const path = join(blobFolder({ dataDir: server.dataDir }), ...key.split('/'));
  const bytes = await readFile(path);
  bytes[at]! ^= 0x01;
  await writeFile(path, bytes);
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('a stored object changed on disk', () => {
  for (const inputs of [4, 100_000]) {
    it(`is not served whole: weights.bin of a model with ${inputs} inputs`, async () => {
      const name = `flipped-${inputs}`;
      const model = await createModel(server, name, { inputShape: [inputs] });
      const artifact = await denseArtifactWithShape(inputs, 3);
      const { data: version, response } = await uploadVersion(server.client, name, versionUploadForm(encodeJson(artifact.modelJson), artifact.weightFiles));
      expect(response.status).toBe(201);
      const path = `/v1/models/${name}/versions/1/files/weights.bin`;

      const intact = await download(path);
      expect(isCompleteSuccess(intact)).toBe(true);
      expect(sha256(intact.received)).toBe(version!.files['weights.bin']!.sha256);

      await flipStoredByte(`models/${model.id}/${version!.id}/weights.bin`, intact.declaredLength - 1);
      const corrupted = await download(path);
      expect(isCompleteSuccess(corrupted)).toBe(false);
      expect(corrupted.received.byteLength).toBeLessThan(intact.declaredLength);
    });
  }

  it('is not served whole: a dataset file', async () => {
    const files = { 'train-images': idxImages(400, 28, 28), 'train-labels': idxLabels(Array.from({ length: 400 }, (_, i) => i % 3)) };
    const form = new FormData();
    form.append('name', 'flipped-images');
    form.append('format', 'idx');
    for (const [role, bytes] of Object.entries(files)) form.append(role, new Blob([bytes as Uint8Array<ArrayBuffer>]), role);
    // The typed body describes the parts; the FormData is sent as it is.
    const created = await server.client.POST('/v1/datasets', { body: form as never, bodySerializer: () => form });
    expect(created.response.status).toBe(201);
    const dataset = created.data!;
    const path = '/v1/datasets/flipped-images/versions/1/files/train-images';

    const intact = await download(path);
    expect(isCompleteSuccess(intact)).toBe(true);
    expect(intact.received).toEqual(files['train-images']);

    const key = `datasets/flipped-images/${dataset.id}/train-images`;
    await flipStoredByte(key, 5000);
    const corrupted = await download(path);
    expect(isCompleteSuccess(corrupted)).toBe(false);
    expect(corrupted.received.byteLength).toBeLessThan(intact.declaredLength);
    expect(server.logs).toContainEqual({
      level: 'error',
      event: 'download-failed',
      fields: expect.objectContaining({ path, key, expectedSize: intact.declaredLength, error: expect.stringMatching(/does not match its recorded sha256/) }),
    });
  });
});
