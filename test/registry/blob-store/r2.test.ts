// Runs the BlobStore contract against the R2 adapter on Miniflare's R2 (workerd, offline), plus what only
// R2 has: write-once through onlyIf, the checksum R2 keeps, multipart parts, and presigned URLs.
import { createHash, createHmac } from 'node:crypto';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createR2BlobStore, type R2BucketBinding } from '../../../src/registry/adapters/blob/r2-blob-store';
import { nodeSha256 } from '../../../src/registry/adapters/blob/node-blob-digest';
import { ConflictError } from '../../../src/registry/errors';
import type { BlobStore } from '../../../src/registry/ports';
import { blobStoreContract } from './contract';
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from './s3rver-fixture';

const MiB = 1024 * 1024;

async function startR2(): Promise<{ bucket: R2BucketBinding; dispose(): Promise<void> }> {
  const mf = new Miniflare({ modules: true, script: 'export default {}', r2Buckets: ['BLOBS'] });
  const bucket = (await mf.getR2Bucket('BLOBS')) as unknown as R2BucketBinding;
  return { bucket, dispose: () => mf.dispose() };
}

/** The real binding, with a count of the multipart parts uploaded per key (what the contract asks of multipart stores). */
function countingParts(bucket: R2BucketBinding): { bucket: R2BucketBinding; parts: Map<string, number> } {
  const parts = new Map<string, number>();
  return {
    parts,
    bucket: {
      head: (key) => bucket.head(key),
      get: (key) => bucket.get(key),
      put: (key, value, options) => bucket.put(key, value, options),
      delete: (key) => bucket.delete(key),
      async createMultipartUpload(key, options) {
        const upload = await bucket.createMultipartUpload(key, options);
        return {
          uploadPart: (partNumber, value) => {
            parts.set(key, (parts.get(key) ?? 0) + 1);
            return upload.uploadPart(partNumber, value);
          },
          abort: () => upload.abort(),
          complete: (uploaded) => upload.complete(uploaded),
        };
      },
    },
  };
}

// Nothing of the shared contract is skipped: without R2 S3 credentials the store answers null to
// presign requests, which is what the contract expects of a store that has no URLs. Presigned URLs
// need R2's S3 endpoint, which Miniflare does not serve: they are tested against s3rver below.
blobStoreContract('R2 (Miniflare)', async () => {
  const r2 = await startR2();
  const counted = countingParts(r2.bucket);
  return {
    store: createR2BlobStore({ sha256: nodeSha256, bucket: counted.bucket }),
    async corrupt(key, bytes) {
      await r2.bucket.put(key, bytes, {});
    },
    cleanup: () => r2.dispose(),
    presignsUrls: false,
    partsUploaded: (key) => counted.parts.get(key) ?? 0,
  };
});

describe('R2 blob store', () => {
  let r2: Awaited<ReturnType<typeof startR2>>;
  let store: BlobStore;
  beforeAll(async () => {
    r2 = await startR2();
    store = createR2BlobStore({ sha256: nodeSha256, bucket: r2.bucket });
  });
  afterAll(() => r2?.dispose());

  it('keeps the sha256 R2 checked on put, and refuses a second writer through onlyIf', async () => {
    const bytes = new Uint8Array(1000).fill(3);
    const ref = await store.put('r2/checksum.bin', bytes);
    const stored = await r2.bucket.head('r2/checksum.bin');
    expect(Buffer.from(stored!.checksums.sha256!).toString('hex')).toBe(ref.sha256);

    // The precondition itself, as a racing writer that skipped any check would meet it.
    expect(await r2.bucket.put('r2/checksum.bin', new Uint8Array(5), { onlyIf: { etagDoesNotMatch: '*' } })).toBeNull();
    expect(await store.getBytes(ref)).toEqual(bytes);
  });

  it('lets exactly one of many concurrent writers of different bytes create an object', async () => {
    const bodies = Array.from({ length: 6 }, (_, i) => new Uint8Array(200_000).fill(i + 1));
    const results = await Promise.allSettled(bodies.map((body) => store.put('r2/race.bin', body)));
    const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ConflictError);
    expect(await store.getBytes({ key: 'r2/race.bin', sha256: sha256(bodies[winners[0]!]!), size: 200_000 })).toEqual(bodies[winners[0]!]);
  });

  it('uploads a stream of exactly one part with one put, and one byte more in two parts', async () => {
    const counted = countingParts(r2.bucket);
    const partStore = createR2BlobStore({ sha256: nodeSha256, bucket: counted.bucket, partSizeBytes: 5 * MiB });
    for (const [key, size, parts] of [['r2/one-part.bin', 5 * MiB - 1, 0], ['r2/two-parts.bin', 5 * MiB + 1, 2]] as const) {
      const bytes = new Uint8Array(size).map((_, i) => i % 251);
      // Chunks that straddle the part boundaries, as a network body's do.
      const ref = await partStore.put(key, chunked(bytes, 777_777));
      expect(ref).toEqual({ key, sha256: sha256(bytes), size });
      expect(counted.parts.get(key) ?? 0).toBe(parts);
      // Compared by hash: toEqual walks a 5 MiB array element by element for minutes.
      expect(sha256(await partStore.getBytes(ref))).toBe(ref.sha256);
    }
  });

  it('refuses parts smaller than R2 accepts', () => {
    expect(() => createR2BlobStore({ sha256: nodeSha256, bucket: r2.bucket, partSizeBytes: MiB })).toThrow(RangeError);
  });
});

describe('R2 presigned URLs (R2 S3 endpoint played by s3rver)', () => {
  let s3rver: RunningS3rver;
  beforeAll(async () => {
    s3rver = await startS3rver();
  });
  afterAll(() => s3rver?.stop());

  const credentials = (overrides = {}) => ({
    accountId: 'acc0123',
    accessKeyId: S3RVER_CREDENTIALS.accessKeyId,
    secretAccessKey: S3RVER_CREDENTIALS.secretAccessKey,
    bucketName: s3rver.bucket,
    ...overrides,
  });

  it('points at the account endpoint, path-style, signed with SigV4 for region auto', async () => {
    const r2 = await startR2();
    try {
      const store = createR2BlobStore({ sha256: nodeSha256, bucket: r2.bucket, s3: credentials({ endpoint: undefined, bucketName: 'blobs' }) });
      const url = new URL((await store.presignGet('models/m 1/1/weights.bin', 900))!);
      expect(url.origin).toBe('https://acc0123.r2.cloudflarestorage.com');
      expect(url.pathname).toBe('/blobs/models/m%201/1/weights.bin');
      expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
      expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^S3RVER\/\d{8}\/auto\/s3\/aws4_request$/);
      expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
      expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
      expect(url.searchParams.get('X-Amz-Signature')).toBe(sigV4QuerySignature('GET', url, S3RVER_CREDENTIALS.secretAccessKey));
      const putUrl = new URL((await store.presignPut('models/m/1/weights.bin', 60))!);
      expect(putUrl.searchParams.get('X-Amz-Signature')).toBe(sigV4QuerySignature('PUT', putUrl, S3RVER_CREDENTIALS.secretAccessKey));
      expect(putUrl.searchParams.get('X-Amz-Signature')).not.toBe(sigV4QuerySignature('GET', putUrl, S3RVER_CREDENTIALS.secretAccessKey));
      await expect(store.presignPut('models/m/1/weights.bin', 0)).rejects.toBeInstanceOf(RangeError);
      await expect(store.presignPut('../escape', 60)).rejects.toThrow(/invalid blob key/);
    } finally {
      await r2.dispose();
    }
  });

  // s3rver checks the access key but not V4 signatures: the signature is checked by recomputing it below.
  it('gives URLs an S3 server serves a PUT and a GET through', async () => {
    const r2 = await startR2();
    try {
      const store = createR2BlobStore({ sha256: nodeSha256, bucket: r2.bucket, s3: credentials({ endpoint: s3rver.endpoint }) });
      const bytes = crypto.getRandomValues(new Uint8Array(30_000));
      const putUrl = (await store.presignPut('presigned/weights.bin', 300))!;
      expect(putUrl).not.toMatch(/checksum/i);
      expect((await fetch(putUrl, { method: 'PUT', body: bytes })).status).toBe(200);
      const got = await fetch((await store.presignGet('presigned/weights.bin', 300))!);
      expect(got.status).toBe(200);
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);

    } finally {
      await r2.dispose();
    }
  });
});

describe('SigV4 verifier used above', () => {
  it('reproduces the presigned-URL example of the AWS S3 documentation', () => {
    const url = new URL('https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256'
      + '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z'
      + '&X-Amz-Expires=86400&X-Amz-SignedHeaders=host');
    expect(sigV4QuerySignature('GET', url, 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'))
      .toBe('aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404');
  });
});

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** AWS SigV4 query-string signature of a presigned S3 URL (host the only signed header), written from the spec. */
function sigV4QuerySignature(method: string, url: URL, secretAccessKey: string): string {
  const rfc3986 = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = [...url.searchParams]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
    .sort()
    .join('&');
  const canonicalRequest = [method, url.pathname, query, `host:${url.host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const [, date, region, service] = url.searchParams.get('X-Amz-Credential')!.split('/');
  const stringToSign = ['AWS4-HMAC-SHA256', url.searchParams.get('X-Amz-Date'), `${date}/${region}/${service}/aws4_request`, sha256(new TextEncoder().encode(canonicalRequest))].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date!), region!), service!), 'aws4_request');
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex');
}

function chunked(bytes: Uint8Array, chunkSize: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}
