// Streams a raw `application/octet-stream` request body to the blob store with bounded memory: the
// body is held to its declared Content-Length as it flows (limitStreamedUpload already refused a
// missing or oversized one), and the stored bytes are checked against the sha256 the client declared.
import type { Context } from 'hono';
import { UnprocessableError } from '../registry/errors';
import type { BlobRef } from '../registry/records';
import type { AppEnv } from './app-env';
import { BadRequestError, UnsupportedMediaTypeError } from './http-errors';

/** The sha256 (lowercase hex) the client says the body has; checked against what was stored. */
export const CONTENT_SHA256_HEADER = 'Distillery-Content-Sha256';

/**
 * Stores the request body at `key` and returns what was stored; `sha256` is the
 * CONTENT_SHA256_HEADER the route's header schema validated, when sent. 415 unless the body is
 * `application/octet-stream`; 400 when it ends before (or runs past) its Content-Length, and
 * nothing is stored; 422 when its sha256 is not the declared one, and the object this request
 * created is removed again, so a corrected retry can write the key.
 */
export async function receiveRawUpload(c: Context<AppEnv>, key: string, sha256: string | undefined): Promise<BlobRef> {
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/octet-stream') {
    throw new UnsupportedMediaTypeError(`a raw upload is application/octet-stream, not "${mediaType || '(none)'}"`);
  }
  const declaredSize = Number(c.req.header('content-length'));
  const { blobs } = c.get('deps');
  // Only an object this request created may be removed on a mismatch: an existing one may be recorded.
  const existed = sha256 !== undefined && (await blobs.head(key)) !== null;
  const body = (c.req.raw.body ?? emptyStream()).pipeThrough(heldToLength(declaredSize));
  const stored = await blobs.put(key, body, { contentType: 'application/octet-stream' });
  if (sha256 !== undefined && stored.sha256 !== sha256) {
    if (!existed) await blobs.delete(key);
    throw new UnprocessableError(`the uploaded bytes do not have the declared sha256`, {
      errors: [{ in: 'header', path: CONTENT_SHA256_HEADER, message: `declared ${sha256}, received bytes hash to ${stored.sha256}` }],
    });
  }
  return stored;
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() });
}

/**
 * Passes the bytes through, counting them: errors (so the store keeps nothing) on the first byte
 * past `size`, or at the end when fewer came. Only the chunk in flight is held.
 */
function heldToLength(size: number): TransformStream<Uint8Array, Uint8Array> {
  let received = 0;
  return new TransformStream({
    transform(chunk, controller) {
      received += chunk.byteLength;
      if (received > size) throw new BadRequestError(`the body is longer than its Content-Length (${size} bytes)`);
      controller.enqueue(chunk);
    },
    flush() {
      if (received < size) throw new BadRequestError(`the body ended after ${received} of its ${size} bytes (Content-Length)`);
    },
  });
}
