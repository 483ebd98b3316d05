// Gzip detection and decompression with the web-standard DecompressionStream (Node 20, Workers).

import { DatasetFormatError, DecompressedTooLargeError } from './errors';

/** True when the bytes start with the gzip magic 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Throws a DatasetFormatError telling the caller to decompress first. */
export function rejectGzip(bytes: Uint8Array, what: string): void {
  if (isGzip(bytes)) {
    throw new DatasetFormatError(
      `${what} is gzip-compressed (starts with 0x1f 0x8b); decompress it first (gunzipIfNeeded)`,
    );
  }
}

/**
 * Decompresses gzip bytes, refusing to inflate past `maxBytes` (a small upload can expand a
 * thousandfold); returns other bytes unchanged.
 */
export async function gunzipIfNeeded(bytes: Uint8Array, maxBytes = Number.POSITIVE_INFINITY): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  let size = 0;
  const bounded = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      size += chunk.byteLength;
      if (size > maxBytes) throw new DecompressedTooLargeError(maxBytes);
      controller.enqueue(chunk);
    },
  });
  const stream = new Blob([bytes.slice()]).stream().pipeThrough(new DecompressionStream('gzip')).pipeThrough(bounded);
  try {
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (cause) {
    if (cause instanceof DecompressedTooLargeError) throw cause;
    throw new DatasetFormatError(`gzip data is corrupt: ${(cause as Error).message}`);
  }
}
