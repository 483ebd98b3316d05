// A node against a server whose blobs are in S3 (a real s3rver): the node downloads its inputs and
// PUTs its checkpoints through presigned URLs, straight to the bucket and without its API key, and
// the runs still succeed (a teacher, then a student self-distilled from it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3ServerEnv, startS3rver, type RunningS3rver } from '../registry/blob-store/s3rver-fixture';
import { startTestServer, type TestServer } from '../support/server';
import { createRun, registerBandDataset, waitForRun } from './support';

let s3: RunningS3rver;
let server: TestServer;

beforeAll(async () => {
  s3 = await startS3rver();
  server = await startTestServer({
    config: { s3Bucket: s3.bucket, embeddedNodes: 1 },
    env: { ...s3ServerEnv(s3), DISTILLERY_BACKEND: 'cpu' },
  });
  await registerBandDataset(server, 'bands', 200);
});
afterAll(async () => {
  await server?.close();
  await s3?.stop();
});

const presigned = (method: string, path: RegExp) =>
  s3.requests.filter((request) => request.method === method && path.test(request.url) && request.url.includes('X-Amz-Signature='));

describe('a node on an S3-backed server', () => {
  it('moves inputs and checkpoints by presigned URL and completes its runs', async () => {
    const hyperparameters = { epochs: 2, batchSize: 32 };
    const teacher = await createRun(server, { kind: 'train', dataset: { name: 'bands' }, model: 'teacher', architecture: 'mlp', hyperparameters });
    expect(await waitForRun(server, teacher.id)).toMatchObject({ status: 'succeeded', attempt: 1 });
    const student = await createRun(server, {
      kind: 'distill',
      dataset: { name: 'bands' },
      model: 'student',
      architecture: 'mlp',
      teachers: [{ model: 'teacher', version: 1 }],
      hyperparameters,
    });
    const finished = await waitForRun(server, student.id);
    expect(finished, JSON.stringify(finished.error)).toMatchObject({ status: 'succeeded', attempt: 1 });

    for (const run of [teacher, student]) {
      for (const epoch of [1, 2]) {
        for (const file of ['model.json', 'weights.bin', 'optimizer.bin']) {
          expect(presigned('PUT', new RegExp(`/runs/${run.id}/attempts/1/checkpoints/${epoch}/${file.replace('.', '\\.')}\\?`))).toHaveLength(1);
        }
      }
    }
    // Each run read the dataset's files from the bucket; the student also its teacher's model.
    expect(presigned('GET', /\/datasets\//).length).toBeGreaterThanOrEqual(2 * 4);
    expect(presigned('GET', /\/models\//).length).toBeGreaterThanOrEqual(2);
  });
});
