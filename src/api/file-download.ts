// Answers a file download from the blob's record: the headers (size, sha256 as the ETag) need nothing
// opened, so a HEAD opens nothing; a GET streams the blob, verified, and logs a failure mid-stream.
import type { Context } from 'hono';
import { DistilleryError } from '../errors';
import type { BlobRef } from '../registry/records';
import type { AppEnv } from './app-env';

export interface DownloadHeaders {
  contentType: string;
  /** The name a client saves the file under (`Content-Disposition`). */
  fileName: string;
}

/** The response to a GET or HEAD of `blob`: 200 with its length and ETag; a body (opened now) only for GET. */
export async function fileDownload(c: Context<AppEnv>, blob: BlobRef, headers: DownloadHeaders): Promise<Response> {
  const fields = {
    'Content-Type': headers.contentType,
    'Content-Length': String(blob.size),
    ETag: `"${blob.sha256}"`,
    'Content-Disposition': `attachment; filename="${headers.fileName}"`,
  };
  // Hono runs GET handlers for HEAD and drops the body unread: a stream opened here would hold its
  // file descriptor (or S3 connection) until garbage collection.
  if (c.req.method === 'HEAD') return c.body(null, 200, fields);
  const body = await c.get('deps').blobs.getStream(blob);
  return c.body(loggingFailures(body, (error) => logDownloadFailure(c, error)), 200, fields);
}

function logDownloadFailure(c: Context<AppEnv>, error: unknown): void {
  c.get('deps').logger.error('download-failed', {
    requestId: c.get('requestId'),
    path: c.req.path,
    error: error instanceof Error ? error.message : String(error),
    ...(error instanceof DistilleryError ? error.details : {}),
  });
}

/**
 * `body`, logging a failure part-way through it (IntegrityError: the stored bytes changed) as a
 * structured line: the 200 status line has already gone out, so no problem+json can report it.
 */
function loggingFailures(body: ReadableStream<Uint8Array>, logFailure: (error: unknown) => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await reader.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        logFailure(error);
        throw error;
      }
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}

