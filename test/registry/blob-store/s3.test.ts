// Runs the BlobStore contract against the S3 adapter on a real s3rver, plus what only S3 has: conditional creates.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3BlobStore, type S3BlobStoreConfig } from '../../../src/registry/adapters/blob/s3-blob-store';
import { blobStoreContract } from './contract';
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from './s3rver-fixture';

function configFor(s3rver: RunningS3rver): S3BlobStoreConfig {
  return {
    endpoint: s3rver.endpoint,
    bucket: s3rver.bucket,
    region: s3rver.region,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
  };
}

function requestsFor(s3rver: RunningS3rver, key: string) {
  const path = `/${s3rver.bucket}/${key}`;
  return s3rver.requests.filter((request) => request.url === path || request.url.startsWith(`${path}?`));
}

blobStoreContract('S3 (s3rver)', async () => {
  const s3rver = await startS3rver();
  const config = configFor(s3rver);
  const store = createS3BlobStore(config);
  // A separate plain client plays the stray writer that corrupts objects behind the store's back.
  const rawClient = new S3Client({ ...config, requestChecksumCalculation: 'WHEN_REQUIRED' });
  return {
    store,
    async corrupt(key, bytes) {
      await rawClient.send(new PutObjectCommand({ Bucket: s3rver.bucket, Key: key, Body: bytes }));
    },
    async cleanup() {
      store.close();
      rawClient.destroy();
      await s3rver.stop();
    },
    presignsUrls: true,
    partsUploaded: (key) =>
      requestsFor(s3rver, key).filter((request) => request.method === 'PUT' && /[?&]partNumber=\d+/.test(request.url)).length,
  };
});

describe('S3 blob store', () => {
  let s3rver: RunningS3rver;
  let store: ReturnType<typeof createS3BlobStore>;
  beforeAll(async () => {
    s3rver = await startS3rver();
    store = createS3BlobStore({ ...configFor(s3rver), partSizeBytes: 5 * 1024 * 1024 });
  });
  afterAll(async () => {
    store.close();
    await s3rver.stop();
  });

  it('creates objects with If-None-Match: * so servers that honour it refuse a racing second writer', async () => {
    await store.put('conditional/small.bin', new Uint8Array(10).fill(1));
    const large = new Uint8Array(11 * 1024 * 1024).fill(2);
    await store.put('conditional/large.bin', large);

    const smallPut = requestsFor(s3rver, 'conditional/small.bin').filter((request) => request.method === 'PUT');
    expect(smallPut.map((request) => request.ifNoneMatch)).toEqual(['*']);
    const complete = requestsFor(s3rver, 'conditional/large.bin').filter(
      (request) => request.method === 'POST' && /[?&]uploadId=/.test(request.url),
    );
    expect(complete.map((request) => request.ifNoneMatch)).toEqual(['*']);
  });
});
