// sha256 and size of blob bytes computed as they flow, and verification of stored bytes against a BlobRef.
import { createHash } from 'node:crypto';
import type { BlobBody } from '../../ports';
import type { BlobRef } from '../../records';
import { IntegrityError } from '../../errors';

export interface BlobDigest {
  sha256: string;
  size: number;
}

export function digestBytes(bytes: Uint8Array): BlobDigest {
  return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength };
}

/** A pass-through stream that hashes what flows through it; `digest()` is valid once the stream has ended. */
export function createDigestingStream(): { stream: TransformStream<Uint8Array, Uint8Array>; digest(): BlobDigest } {
  const hash = createHash('sha256');
  let size = 0;
  let result: BlobDigest | null = null;
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      hash.update(chunk);
      size += chunk.byteLength;
      controller.enqueue(chunk);
    },
    flush() {
      result = { sha256: hash.digest('hex'), size };
    },
  });
  return {
    stream,
    digest() {
      if (result === null) throw new Error('digest requested before the stream ended');
      return result;
    },
  };
}

/** Reads a stream to its end, keeping only the hash. */
export async function digestStream(stream: ReadableStream<Uint8Array>): Promise<BlobDigest> {
  const hash = createHash('sha256');
  let size = 0;
  await forEachChunk(stream, (chunk) => {
    hash.update(chunk);
    size += chunk.byteLength;
  });
  return { sha256: hash.digest('hex'), size };
}

export function digestBody(body: BlobBody): Promise<BlobDigest> {
  return body instanceof Uint8Array ? Promise.resolve(digestBytes(body)) : digestStream(body);
}

export function bodyToStream(body: BlobBody): ReadableStream<Uint8Array> {
  if (!(body instanceof Uint8Array)) return body;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(body);
      controller.close();
    },
  });
}

function integrityError(expected: BlobRef, actual: { sha256?: string; size: number }): IntegrityError {
  return new IntegrityError(`stored object ${expected.key} does not match its recorded sha256 and size`, {
    key: expected.key,
    expectedSha256: expected.sha256,
    expectedSize: expected.size,
    ...(actual.sha256 === undefined ? {} : { actualSha256: actual.sha256 }),
    actualSize: actual.size,
  });
}

/** IntegrityError unless a stored object's size (known before reading it) matches the ref. */
export function assertStoredSize(expected: BlobRef, storedSize: number): void {
  if (storedSize !== expected.size) throw integrityError(expected, { size: storedSize });
}

/**
 * A pass-through stream that errors with IntegrityError instead of ending cleanly when the bytes
 * are not `expected`: on the first byte past `expected.size`, or at the end on a hash or size
 * mismatch. The last byte is held back until the hash has been checked, so a reader of bad bytes
 * never receives all `expected.size` of them: an HTTP client told that Content-Length sees a
 * truncated body, not a complete corrupted file.
 */
export function createVerifyingStream(expected: BlobRef): TransformStream<Uint8Array, Uint8Array> {
  const hash = createHash('sha256');
  let size = 0;
  let heldBack: Uint8Array | null = null;
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      if (chunk.byteLength === 0) return;
      size += chunk.byteLength;
      if (size > expected.size) throw integrityError(expected, { size });
      hash.update(chunk);
      if (size < expected.size) {
        controller.enqueue(chunk);
        return;
      }
      if (chunk.byteLength > 1) controller.enqueue(chunk.subarray(0, chunk.byteLength - 1));
      heldBack = chunk.subarray(chunk.byteLength - 1);
    },
    flush(controller) {
      const sha256 = hash.digest('hex');
      if (sha256 !== expected.sha256 || size !== expected.size) throw integrityError(expected, { sha256, size });
      if (heldBack !== null) controller.enqueue(heldBack);
    },
  });
}

/** Reads a whole stream into one buffer of `expected.size` bytes, verified; IntegrityError on mismatch. */
export async function readVerified(stream: ReadableStream<Uint8Array>, expected: BlobRef): Promise<Uint8Array> {
  const bytes = new Uint8Array(expected.size);
  let offset = 0;
  await forEachChunk(stream.pipeThrough(createVerifyingStream(expected)), (chunk) => {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  });
  return bytes;
}

/** Reads a stream to its end, awaiting `consume` on each chunk before asking for the next one. */
export async function forEachChunk(
  stream: ReadableStream<Uint8Array>,
  consume: (chunk: Uint8Array) => void | Promise<void>,
): Promise<void> {
  const reader = stream.getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      await consume(next.value);
    }
  } catch (error) {
    await reader.cancel(error).catch(() => undefined);
    throw error;
  } finally {
    reader.releaseLock();
  }
}
