// BlobStore on a Cloudflare R2 bucket binding: write-once with onlyIf, sha256 checked by R2 on put and by us on read.
import { ConflictError, NotFoundError } from '../../errors';
import { sha256Hex, toHex } from '../../hashing';
import type { BlobBody, BlobStore } from '../../ports';
import type { BlobRef } from '../../records';
import { assertStoredSize, createBlobDigests, type BlobDigest, type Sha256Factory } from './blob-digest';
import { assertValidBlobKey } from './blob-key';
import { PartReader } from './part-reader';
import type { R2BucketBinding, R2StoredObject, R2UploadedPart } from './r2-bucket';
import { createR2Presigner, type R2S3Credentials } from './r2-presigner';

export type { R2BucketBinding } from './r2-bucket';
export type { R2S3Credentials } from './r2-presigner';

export interface R2BlobStoreConfig {
  bucket: R2BucketBinding;
  /**
   * The streaming SHA-256 that verifies streams as they flow: digestStreamSha256 (workerd's native
   * DigestStream) in the Worker, nodeSha256 under Node. Whole buffers, every upload through the
   * API, go to Web Crypto's digest.
   */
  sha256: Sha256Factory;
  /** Credentials for R2's S3 endpoint; without them presignGet/presignPut answer null (bytes go through the API). */
  s3?: R2S3Credentials;
  /** Bytes per multipart part (R2 needs at least 5 MiB, all parts but the last the same size). Default 8 MiB. */
  partSizeBytes?: number;
}

const MiB = 1024 * 1024;
const MIN_PART_BYTES = 5 * MiB;
const ONLY_IF_ABSENT = { etagDoesNotMatch: '*' };

/**
 * A BlobStore in one R2 bucket.
 *
 * Buffers and streams that end within one part are written with a single put carrying
 * `sha256` (R2 refuses bytes that do not hash to it) and `onlyIf: etagDoesNotMatch *`, so
 * write-once is atomic: a losing writer gets null and compares its digest with the stored
 * checksum. R2's put needs the length of a stream up front, which a request body streamed
 * through the API does not give; buffering the whole body would not fit a Worker's 128 MB for
 * large weights, so a longer stream is cut into fixed-size parts of a multipart upload, one part
 * in memory at a time. A multipart completion takes no precondition: the key is checked before the
 * upload starts and again before it completes, which leaves only a short race in which a second
 * writer of different bytes could replace the first; the sha256 recorded in SQL and checked on
 * every read turns that into an IntegrityError, never silently wrong bytes (as on s3rver).
 * Multipart objects carry no sha256 checksum, so an idempotent rewrite of one re-reads it.
 *
 * presignPut, like the S3 store's, is not write-once: presign only keys unique to one attempt,
 * and verify what the client uploaded before recording it.
 */
export function createR2BlobStore(config: R2BlobStoreConfig): BlobStore {
  const { bucket } = config;
  const { createDigestingStream, createVerifyingStream, digestStream, readVerified } = createBlobDigests(config.sha256);
  const partSize = config.partSizeBytes ?? 8 * MiB;
  if (partSize < MIN_PART_BYTES) throw new RangeError(`R2 multipart parts must be at least ${MIN_PART_BYTES} bytes`);
  const presign = config.s3 === undefined ? null : createR2Presigner(config.s3);

  async function storedSha256(key: string, stored: R2StoredObject): Promise<string> {
    if (stored.checksums.sha256 !== undefined) return toHex(new Uint8Array(stored.checksums.sha256));
    const object = await bucket.get(key);
    if (object === null) throw new ConflictError(`blob ${key} was removed while being compared`, { key });
    return (await digestStream(object.body)).sha256;
  }

  async function assertSameAsStored(key: string, stored: R2StoredObject, incoming: BlobDigest): Promise<BlobRef> {
    const same = stored.size === incoming.size && (await storedSha256(key, stored)) === incoming.sha256;
    if (!same) throw new ConflictError(`blob ${key} already exists with different content`, { key });
    return { key, ...incoming };
  }

  async function putWhole(key: string, bytes: Uint8Array, contentType: string): Promise<BlobRef> {
    const digest = { sha256: await sha256Hex(bytes), size: bytes.byteLength };
    const created = await bucket.put(key, bytes, { sha256: digest.sha256, onlyIf: ONLY_IF_ABSENT, httpMetadata: { contentType } });
    if (created !== null) return { key, ...digest };
    const stored = await bucket.head(key);
    if (stored === null) throw new ConflictError(`blob ${key} was created and removed while being written`, { key });
    return assertSameAsStored(key, stored, digest);
  }

  /** Multipart-uploads `first` and the parts after it; the digest covers every byte read. */
  async function putInParts(key: string, parts: PartReader, first: Uint8Array, digest: () => BlobDigest, contentType: string): Promise<BlobRef> {
    const existing = await bucket.head(key);
    if (existing !== null) {
      await parts.drain();
      return assertSameAsStored(key, existing, digest());
    }
    const upload = await bucket.createMultipartUpload(key, { httpMetadata: { contentType } });
    try {
      const uploaded: R2UploadedPart[] = [];
      for (let part: Uint8Array | null = first; part !== null; part = await parts.next()) {
        uploaded.push(await upload.uploadPart(uploaded.length + 1, part));
      }
      const racer = await bucket.head(key);
      if (racer !== null) {
        await upload.abort();
        return assertSameAsStored(key, racer, digest());
      }
      await upload.complete(uploaded);
      return { key, ...digest() };
    } catch (error) {
      // The upload's error is what matters; an abort that fails too leaves parts for R2's
      // incomplete-upload expiry (7 days by default).
      await upload.abort().catch(() => undefined);
      throw error;
    }
  }

  async function put(key: string, body: BlobBody, options?: { contentType?: string }): Promise<BlobRef> {
    assertValidBlobKey(key);
    const contentType = options?.contentType ?? 'application/octet-stream';
    if (body instanceof Uint8Array) return putWhole(key, body, contentType);

    const digesting = createDigestingStream();
    const parts = new PartReader(body.pipeThrough(digesting.stream), partSize);
    try {
      const first = await parts.next();
      if (first === null || first.byteLength < partSize) return await putWhole(key, first ?? new Uint8Array(), contentType);
      return await putInParts(key, parts, first, () => digesting.digest(), contentType);
    } catch (error) {
      // Release the caller's stream (e.g. an HTTP request body) that this put stopped reading.
      await parts.cancel(error);
      throw error;
    }
  }

  async function openForRead(expected: BlobRef): Promise<ReadableStream<Uint8Array>> {
    assertValidBlobKey(expected.key);
    const object = await bucket.get(expected.key);
    if (object === null) throw new NotFoundError(`blob ${expected.key} not found`, { key: expected.key });
    try {
      assertStoredSize(expected, object.size);
    } catch (error) {
      await object.body.cancel();
      throw error;
    }
    return object.body;
  }

  return {
    put,
    async getBytes(expected) {
      return readVerified(await openForRead(expected), expected);
    },
    async getStream(expected) {
      return (await openForRead(expected)).pipeThrough(createVerifyingStream(expected));
    },
    async head(key) {
      assertValidBlobKey(key);
      const stored = await bucket.head(key);
      return stored === null ? null : { size: stored.size };
    },
    async delete(key) {
      assertValidBlobKey(key);
      await bucket.delete(key);
    },
    async presignGet(key, expiresInSeconds) {
      assertValidBlobKey(key);
      return presign === null ? null : presign('GET', key, expiresInSeconds);
    },
    async presignPut(key, expiresInSeconds) {
      // Overwrites whatever `key` holds: see the note above before presigning a key.
      assertValidBlobKey(key);
      return presign === null ? null : presign('PUT', key, expiresInSeconds);
    },
  };
}
