// BlobStore on S3-compatible storage (AWS S3, R2, MinIO, s3rver): write-once enforced here, sha256 verified on read.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ConflictError, NotFoundError } from '../../errors';
import type { BlobBody, BlobStore } from '../../ports';
import type { BlobRef } from '../../records';
import { assertValidBlobKey } from './blob-key';
import { assertStoredSize, bodyToStream, type BlobDigest } from './blob-digest';
import { nodeBlobDigests } from './node-blob-digest';
import { PartReader } from './part-reader';
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

interface NumberedPart {
  number: number;
  bytes: Uint8Array;
}

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

  /** PUTs a whole object to `key` unless it exists; false when the server reports that another writer created it first. */
  async function putObject(key: string, bytes: Uint8Array, contentType: string, sha256: string): Promise<boolean> {
    try {
      await client.send(new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: bytes,
        ContentType: contentType,
        IfNoneMatch: '*',
        Metadata: { [SHA256_METADATA]: sha256 },
      }));
      return true;
    } catch (error) {
      if (httpStatusOf(error) === 412) return false;
      throw error;
    }
  }

  /**
   * Multipart-uploads `first` and the rest of `parts` to `key`, `queueSize` parts at a time;
   * false when the completion reports that another writer created the key first. Each uploader
   * fills one buffer of its own again once its part is uploaded, so the parts hold
   * queueSize × partSize and leave no garbage. A fresh buffer per part (what @aws-sdk/lib-storage
   * allocates, which this replaced) is external memory that V8 collects only after some 64 MB of
   * it has piled up: that more than doubled the peak of a long upload.
   */
  async function uploadInParts(key: string, contentType: string, parts: PartReader, first: Uint8Array): Promise<boolean> {
    const { UploadId: uploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }));
    const target = { Bucket: bucket, Key: key, UploadId: uploadId };
    const uploaded: CompletedPart[] = [];
    let partsRead = 1;
    let reading: Promise<unknown> = Promise.resolve();
    let failed = false;
    // PartReader.next calls must not overlap, and part numbers follow the order the bytes were read in.
    const nextPart = (buffer: Uint8Array): Promise<NumberedPart | null> => {
      const part = reading.then(async () => {
        const bytes = await parts.next(buffer);
        return bytes === null ? null : { number: ++partsRead, bytes };
      });
      reading = part.catch(() => undefined);
      return part;
    };
    const uploadParts = async (buffer: Uint8Array, part: NumberedPart | null): Promise<void> => {
      while (part !== null) {
        const { ETag } = await client.send(new UploadPartCommand({ ...target, PartNumber: part.number, Body: part.bytes }));
        if (ETag === undefined) throw new Error(`S3 returned no ETag for part ${part.number} of ${key}`);
        uploaded.push({ PartNumber: part.number, ETag });
        part = failed ? null : await nextPart(buffer);
      }
    };
    const startUploader = async (index: number): Promise<void> => {
      try {
        if (index === 0) return await uploadParts(first, { number: 1, bytes: first });
        const buffer = new Uint8Array(partSize);
        return await uploadParts(buffer, await nextPart(buffer));
      } catch (error) {
        failed = true;
        throw error;
      }
    };
    try {
      // Every uploader has stopped before the upload is completed or aborted: none is left in flight.
      const outcomes = await Promise.allSettled(Array.from({ length: queueSize }, (_, index) => startUploader(index)));
      const failure = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failure !== undefined) throw failure.reason;
      uploaded.sort((a, b) => a.PartNumber! - b.PartNumber!);
      await client.send(new CompleteMultipartUploadCommand({ ...target, IfNoneMatch: '*', MultipartUpload: { Parts: uploaded } }));
      return true;
    } catch (error) {
      await abortParts(key, uploadId, error);
      if (httpStatusOf(error) === 412) return false;
      throw error;
    }
  }

  /**
   * Aborts a failed multipart upload so that an abort failure cannot replace the upload's own
   * error: it is attached as its cause instead.
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
    if (body instanceof Uint8Array && body.byteLength <= partSize) {
      const digest = await digestBytes(body);
      return { created: await putObject(key, body, contentType, digest.sha256), digest };
    }
    const digesting = createDigestingStream();
    const parts = new PartReader(bodyToStream(body).pipeThrough(digesting.stream), partSize);
    try {
      const first = await parts.next();
      if (first === null || first.byteLength < partSize) {
        // The stream ended within one part, so its hash is known before the object is written.
        const digest = digesting.digest();
        return { created: await putObject(key, first ?? new Uint8Array(), contentType, digest.sha256), digest };
      }
      const created = await uploadInParts(key, contentType, parts, first);
      return { created, digest: digesting.digest() };
    } catch (error) {
      // Release the caller's stream (e.g. an HTTP request body) that the failed upload stopped reading.
      await parts.cancel(error);
      throw error;
    }
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

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return metadata?.httpStatusCode;
}
