// The scale-mode wiring end to end: the same API on PostgreSQL (DATABASE_URL) and an S3 bucket
// (S3_BUCKET, here a real s3rver), chosen by the entry point from its config.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/registry/hashing';
import { startS3rver, S3RVER_CREDENTIALS, type RunningS3rver } from '../registry/blob-store/s3rver-fixture';
import { concatenatedWeights, denseArtifact, uploadForm } from '../support/artifacts';
import { addDenseVersion, createDenseModel } from '../support/requests';
import { startTestServer, type TestServer } from '../support/server';

const adminUrl = process.env.DATABASE_TEST_URL;

async function onAdminDatabase(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

if (adminUrl) {
  const database = `distillery_api_${randomUUID().replaceAll('-', '')}`;
  let s3: RunningS3rver;
  let server: TestServer;

  beforeAll(async () => {
    await onAdminDatabase(`create database ${database}`);
    s3 = await startS3rver();
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    server = await startTestServer({
      config: { databaseUrl: url.toString(), s3Bucket: s3.bucket },
      env: {
        S3_BUCKET: s3.bucket,
        S3_ENDPOINT: s3.endpoint,
        S3_REGION: s3.region,
        AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await s3?.stop();
    await onAdminDatabase(`drop database if exists ${database} with (force)`);
  });

  describe('API on PostgreSQL + S3', () => {
    it('stores an upload in the bucket and serves it back verified', async () => {
      await createDenseModel(server, 'scaled');
      const artifact = await denseArtifact(2);
      const response = await server.fetch('/v1/models/scaled/versions', { method: 'POST', body: uploadForm(artifact) });
      expect(response.status).toBe(201);
      const version = (await response.json()) as { files: Record<string, { sha256: string }> };
      const download = new Uint8Array(await (await server.fetch('/v1/models/scaled/versions/1/files/weights.bin')).arrayBuffer());
      expect(download).toEqual(concatenatedWeights(artifact));
      expect(version.files['weights.bin']!.sha256).toBe(await sha256Hex(download));
      expect(s3.requests.some((r) => r.method === 'PUT' && r.url.includes('/weights.bin'))).toBe(true);
    });

    it('records and walks lineage in PostgreSQL', async () => {
      await createDenseModel(server, 'scaled-student');
      await addDenseVersion(server, 'scaled-student', { parents: [{ model: 'scaled', version: 1, relation: 'teacher' }] });
      const graph = (await (await server.fetch('/v1/models/scaled-student/versions/1/lineage?direction=ancestors')).json()) as {
        nodes: { model: string; distance: number }[];
      };
      expect(graph.nodes.map((n) => [n.model, n.distance])).toEqual([
        ['scaled', -1],
        ['scaled-student', 0],
      ]);
      expect((await server.fetch('/v1/models/scaled/versions/1', { method: 'DELETE' })).status).toBe(409);
    });
  });
} else {
  const message = 'scale-mode API suite skipped: set DATABASE_TEST_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)';
  console.warn(message);
  describe.skip(message, () => {
    it('serves the API on PostgreSQL + S3', () => {});
  });
}
