// A real s3rver on 127.0.0.1 (random free port, temporary folder) for tests, with a log of the requests it served.
import type { IncomingMessage } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** s3rver's built-in account; it checks request signatures against it. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface ReceivedRequest {
  method: string;
  /** Path and query, e.g. `/bucket/key?partNumber=1&uploadId=…`. */
  url: string;
  ifNoneMatch: string | undefined;
}

export interface RunningS3rver {
  endpoint: string;
  bucket: string;
  region: string;
  /** Every request received so far, in order. */
  requests: ReceivedRequest[];
  stop(): Promise<void>;
}

export async function startS3rver(bucket = 'distillery-test'): Promise<RunningS3rver> {
  const directory = await mkdtemp(join(tmpdir(), 'distillery-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const requests: ReceivedRequest[] = [];
  server.httpServer.on('request', (request: IncomingMessage) => {
    requests.push({ method: request.method ?? '', url: request.url ?? '', ifNoneMatch: request.headers['if-none-match'] });
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    region: 'us-east-1',
    requests,
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The environment a server reads to keep its blobs in this s3rver (src/registry/adapters/blob/s3-blob-store.ts). */
export function s3ServerEnv(s3: RunningS3rver): Record<string, string> {
  return {
    S3_BUCKET: s3.bucket,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
  };
}
