// Gzip detection and decompression (one file, or a dataset's files by role) with the web-standard DecompressionStream (Node 20, Workers).

import { DatasetFormatError, DecompressedTooLargeError, inDatasetFile } from './errors';

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

/**
 * A dataset's files (by role) with the gzip-compressed ones (`train-images-idx3-ubyte.gz`, as MNIST
 * is usually downloaded) decompressed. All files together may hold at most `maxTotalBytes` once
 * decompressed, whatever their compression ratio; errors name the file's role.
 */
export async function decompressDatasetFiles(
  files: Record<string, Uint8Array>,
  maxTotalBytes = Number.POSITIVE_INFINITY,
): Promise<Record<string, Uint8Array>> {
  const decompressed: Record<string, Uint8Array> = {};
  let total = 0;
  for (const [role, bytes] of Object.entries(files)) {
    const inflated = await gunzipIfNeeded(bytes, Math.max(0, maxTotalBytes - total)).catch((error: unknown) => {
      if (error instanceof DecompressedTooLargeError) throw new DecompressedTooLargeError(maxTotalBytes, role);
      throw error instanceof DatasetFormatError ? inDatasetFile(error, role) : error;
    });
    decompressed[role] = inflated;
    total += inflated.byteLength;
  }
  return decompressed;
}
