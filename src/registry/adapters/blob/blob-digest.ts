// sha256 and size of blob bytes computed as they flow, and verification of stored bytes against a BlobRef,
// on the native streaming SHA-256 the runtime offers (node:crypto on Node, crypto.DigestStream in workerd).
import type { BlobBody } from '../../ports';
import type { BlobRef } from '../../records';
import { IntegrityError } from '../../errors';

/**
 * A running SHA-256: fed chunk by chunk, its hex digest read once at the end. The digest may take
 * a moment: workerd's DigestStream finishes asynchronously.
 */
export interface RunningSha256 {
  update(chunk: Uint8Array): void;
  digestHex(): string | Promise<string>;
}

export interface BlobDigest {
  sha256: string;
  size: number;
}

/** Makes a fresh running SHA-256. */
export type Sha256Factory = () => RunningSha256;

/** The hashing helpers of this module, bound to one SHA-256 implementation. */
export interface BlobDigests {
  digestBytes(bytes: Uint8Array): Promise<BlobDigest>;
  /** A pass-through stream that hashes what flows through it; `digest()` is valid once the stream has ended. */
  createDigestingStream(): { stream: TransformStream<Uint8Array, Uint8Array>; digest(): BlobDigest };
  /** Reads a stream to its end, keeping only the hash. */
  digestStream(stream: ReadableStream<Uint8Array>): Promise<BlobDigest>;
  digestBody(body: BlobBody): Promise<BlobDigest>;
  /** See createVerifyingStream below. */
  createVerifyingStream(expected: BlobRef): TransformStream<Uint8Array, Uint8Array>;
  /** Reads a whole stream into one buffer of `expected.size` bytes, verified; IntegrityError on mismatch. */
  readVerified(stream: ReadableStream<Uint8Array>, expected: BlobRef): Promise<Uint8Array>;
}

/**
 * The helpers on `newSha256`. The entry point chooses it: node:crypto (node-blob-digest.ts) for
 * the Node-only stores and for R2 under Node, workerd's DigestStream for R2 in the Worker, so the
 * Worker reaches no `node:` module. (Web Crypto hashes only whole buffers, not streams.)
 */
export function createBlobDigests(newSha256: Sha256Factory): BlobDigests {
  const digestBytes = async (bytes: Uint8Array): Promise<BlobDigest> => {
    const hash = newSha256();
    hash.update(bytes);
    return { sha256: await hash.digestHex(), size: bytes.byteLength };
  };
  const digestStream = (stream: ReadableStream<Uint8Array>) => digestStreamWith(newSha256, stream);
  const createVerifyingStream = (expected: BlobRef) => createVerifyingStreamWith(newSha256, expected);
  return {
    digestBytes,
    createDigestingStream: () => createDigestingStreamWith(newSha256),
    digestStream,
    digestBody: (body) => (body instanceof Uint8Array ? digestBytes(body) : digestStream(body)),
    createVerifyingStream,
    readVerified: (stream, expected) => readVerifiedWith(createVerifyingStream(expected), stream, expected),
  };
}

function createDigestingStreamWith(newSha256: Sha256Factory): { stream: TransformStream<Uint8Array, Uint8Array>; digest(): BlobDigest } {
  const hash = newSha256();
  let size = 0;
  let result: BlobDigest | null = null;
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      hash.update(chunk);
      size += chunk.byteLength;
      controller.enqueue(chunk);
    },
    async flush() {
      result = { sha256: await hash.digestHex(), size };
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

async function digestStreamWith(newSha256: Sha256Factory, stream: ReadableStream<Uint8Array>): Promise<BlobDigest> {
  const hash = newSha256();
  let size = 0;
  await forEachChunk(stream, (chunk) => {
    hash.update(chunk);
    size += chunk.byteLength;
  });
  return { sha256: await hash.digestHex(), size };
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
function createVerifyingStreamWith(newSha256: Sha256Factory, expected: BlobRef): TransformStream<Uint8Array, Uint8Array> {
  const hash = newSha256();
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
    async flush(controller) {
      const sha256 = await hash.digestHex();
      if (sha256 !== expected.sha256 || size !== expected.size) throw integrityError(expected, { sha256, size });
      if (heldBack !== null) controller.enqueue(heldBack);
    },
  });
}

async function readVerifiedWith(
  verifying: TransformStream<Uint8Array, Uint8Array>,
  stream: ReadableStream<Uint8Array>,
  expected: BlobRef,
): Promise<Uint8Array> {
  const bytes = new Uint8Array(expected.size);
  let offset = 0;
  await forEachChunk(stream.pipeThrough(verifying), (chunk) => {
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
