// BlobStore on S3-compatible storage (AWS S3, R2, MinIO, s3rver): write-once enforced here, sha256 verified on read.
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ConflictError, NotFoundError } from '../../errors';
import type { BlobBody, BlobStore } from '../../ports';
import type { BlobRef } from '../../records';
import { assertValidBlobKey } from './blob-key';
import { assertStoredSize, type BlobDigest } from './blob-digest';
import { nodeBlobDigests } from './node-blob-digest';
import type { S3BlobStoreConfig } from './s3-config';

const { createDigestingStream, createVerifyingStream, digestBody, digestBytes, digestStream, readVerified } = nodeBlobDigests;

export { s3ConfigFromEnv, S3ConfigError, type S3BlobStoreConfig } from './s3-config';

export interface S3BlobStore extends BlobStore {
  /** Releases the client's sockets. */
  close(): void;
}

const MiB = 1024 * 1024;
/** User metadata (`x-amz-meta-sha256`) holding the object's sha256 when it was known before the upload began. */
const SHA256_METADATA = 'sha256';

interface StoredObject {
  size: number;
  sha256: string | undefined;
}

/**
 * A BlobStore in one bucket.
 *
 * Write-once: a put first HEADs the key. When the key exists, the incoming bytes are hashed and
 * compared with the stored object (its `sha256` metadata, or a hash of its bytes when the
 * metadata is absent): equal -> the existing ref, different -> ConflictError, nothing written.
 * When absent, the object is written straight to its key with `If-None-Match: *`, which AWS S3,
 * R2 and MinIO honour, so a writer that loses a race gets 412 and falls back to the comparison.
 * s3rver ignores that header; there two simultaneous first writers can both succeed and the
 * later one wins, which the sha256 recorded in SQL and checked on every read turns into an
 * IntegrityError instead of silently wrong bytes.
 *
 * The sha256 goes into the object's metadata when it is known before the upload starts: buffers,
 * and streams that end within one part. A longer stream is multipart-uploaded as it is hashed,
 * so its hash exists only after the object does; it carries no metadata, and an idempotent
 * rewrite of it re-reads the stored object to compare (rare, and bounded in memory).
 *
 * presignPut is NOT write-once: the bucket, not this code, handles a PUT to the URL, and a plain
 * PUT replaces whatever the key holds, for as long as the URL lives (it does not require
 * `If-None-Match: *`, which s3rver would ignore anyway, and a client would have to know to send).
 * Callers must therefore presign only keys unique to one attempt (never the key of a registered
 * object), and verify the uploaded object's sha256 and size (getBytes/getStream against the ref
 * the client declared) before recording it.
 */
export function createS3BlobStore(config: S3BlobStoreConfig): S3BlobStore {
  const { bucket } = config;
  const partSize = config.partSizeBytes ?? 8 * MiB;
  const queueSize = config.partQueueSize ?? 2;
  const client = new S3Client({
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
    // Since 3.729 the SDK defaults to CRC32 trailers in aws-chunked bodies, which s3rver stores
    // verbatim as the object and several S3-likes reject. Integrity is our sha256 anyway.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

  async function headObject(key: string): Promise<StoredObject | null> {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { size: head.ContentLength ?? 0, sha256: head.Metadata?.[SHA256_METADATA] };
    } catch (error) {
      if (httpStatusOf(error) === 404) return null;
      throw error;
    }
  }

  async function getObjectStream(key: string): Promise<{ stream: ReadableStream<Uint8Array>; size: number | undefined }> {
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (object.Body === undefined) throw new Error(`S3 returned no body for ${key}`);
      return { stream: object.Body.transformToWebStream() as ReadableStream<Uint8Array>, size: object.ContentLength };
    } catch (error) {
      if (httpStatusOf(error) === 404) throw new NotFoundError(`blob ${key} not found`, { key });
      throw error;
    }
  }

  /** The object's bytes, unverified as yet, after checking its size against the ref. */
  async function openForRead(expected: BlobRef): Promise<ReadableStream<Uint8Array>> {
    assertValidBlobKey(expected.key);
    const { stream, size } = await getObjectStream(expected.key);
    try {
      if (size !== undefined) assertStoredSize(expected, size);
    } catch (error) {
      await stream.cancel();
      throw error;
    }
    return stream;
  }

  async function assertSameAsStored(key: string, stored: StoredObject, incoming: BlobDigest): Promise<BlobRef> {
    const same = stored.size === incoming.size
      && (stored.sha256 ?? (await digestStream((await getObjectStream(key)).stream)).sha256) === incoming.sha256;
    if (!same) throw new ConflictError(`blob ${key} already exists with different content`, { key });
    return { key, ...incoming };
  }

  /** Uploads to `key` unless it exists; false when the server reports that another writer created it first. */
  async function upload(key: string, body: Uint8Array | ReadableStream<Uint8Array>, contentType: string, sha256: string | null): Promise<boolean> {
    const multipartCapable = new Upload({
      client,
      partSize,
      queueSize,
      leavePartsOnError: true,
      params: {
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        IfNoneMatch: '*',
        ...(sha256 === null ? {} : { Metadata: { [SHA256_METADATA]: sha256 } }),
      },
    });
    try {
      await multipartCapable.done();
      return true;
    } catch (error) {
      await abortParts(key, multipartCapable.uploadId, error);
      if (httpStatusOf(error) === 412) return false;
      throw error;
    }
  }

  /**
   * Aborts a failed multipart upload ourselves (the Upload is told to leave its parts) so that an
   * abort failure cannot replace the upload's own error: it is attached as its cause instead.
   * Parts left by a failed abort are what a bucket's AbortIncompleteMultipartUpload rule is for;
   * s3rver, for one, has no abort at all.
   */
  async function abortParts(key: string, uploadId: string | undefined, uploadError: unknown): Promise<void> {
    if (uploadId === undefined) return;
    try {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    } catch (abortError) {
      if (uploadError instanceof Error && uploadError.cause === undefined) uploadError.cause = abortError;
    }
  }

  /** Writes a key found absent, hashing the bytes on the way; `created` is false when a racing writer won. */
  async function createObject(key: string, body: BlobBody, contentType: string): Promise<{ created: boolean; digest: BlobDigest }> {
    const small = body instanceof Uint8Array ? body : await bufferIfWithin(body, partSize);
    if (small instanceof Uint8Array) {
      const digest = await digestBytes(small);
      return { created: await upload(key, small, contentType, digest.sha256), digest };
    }
    const digesting = createDigestingStream();
    const hashed = small.pipeThrough(digesting.stream);
    const created = await upload(key, hashed, contentType, null).catch(async (error: unknown) => {
      // Release the caller's stream (e.g. an HTTP request body) that the failed upload stopped reading.
      // Cancelling can itself fail while the upload still holds the stream; the upload's error is what matters.
      await hashed.cancel(error).catch(() => undefined);
      throw error;
    });
    return { created, digest: digesting.digest() };
  }

  async function put(key: string, body: BlobBody, options?: { contentType?: string }): Promise<BlobRef> {
    assertValidBlobKey(key);
    const stored = await headObject(key);
    if (stored !== null) return assertSameAsStored(key, stored, await digestBody(body));

    const { created, digest } = await createObject(key, body, options?.contentType ?? 'application/octet-stream');
    if (created) return { key, ...digest };
    const winner = await headObject(key);
    if (winner === null) throw new ConflictError(`blob ${key} was created and removed while being written`, { key });
    return assertSameAsStored(key, winner, digest);
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
      const stored = await headObject(key);
      return stored === null ? null : { size: stored.size };
    },
    async delete(key) {
      assertValidBlobKey(key);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async presignGet(key, expiresInSeconds) {
      assertValidBlobKey(key);
      return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: expiresInSeconds });
    },
    async presignPut(key, expiresInSeconds) {
      // Overwrites whatever `key` holds: see the write-once note above before presigning a key.
      assertValidBlobKey(key);
      return getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: expiresInSeconds });
    },
    close() {
      client.destroy();
    },
  };
}

/**
 * Reads at most `limit` bytes ahead: the whole body as one buffer when the stream ends by then,
 * else a stream replaying what was read followed by the rest (so at most one part is held).
 */
async function bufferIfWithin(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array | ReadableStream<Uint8Array>> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size <= limit) {
    const next = await reader.read();
    if (next.done) return concat(chunks, size);
    chunks.push(next.value);
    size += next.value.byteLength;
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const buffered = chunks.shift();
      if (buffered !== undefined) return controller.enqueue(buffered);
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return metadata?.httpStatusCode;
}
