// 413 for request bodies over the configured limits. JSON and multipart bodies: Content-Length is
// checked up front, chunked bodies while they are read (Hono's bodyLimit, which buffers a chunked
// body whole before the handler sees it). Streamed raw uploads: the declared Content-Length alone
// decides, before a byte is read, so nothing is ever buffered; raw-upload.ts holds the body to it.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv, BodyLimits } from '../app-env';
import { BadRequestError, LengthRequiredError, PayloadTooLargeError } from '../http-errors';

const tooLarge = (what: string, maxSize: number) => new PayloadTooLargeError(`${what} bodies are limited to ${maxSize} bytes`, { limitBytes: maxSize });

function limitBody(kind: keyof BodyLimits, what: string): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const maxSize = c.get('deps').limits[kind];
    return bodyLimit({
      maxSize,
      onError: () => {
        throw tooLarge(what, maxSize);
      },
    })(c, next);
  };
}

/** For routes taking JSON: `deps.limits.jsonBytes`. */
export const limitJsonBody = limitBody('jsonBytes', 'JSON request');
/** For artifact and dataset uploads: `deps.limits.uploadBytes`. */
export const limitUploadBody = limitBody('uploadBytes', 'upload');

const DECIMAL = /^\d{1,16}$/;

/**
 * For raw `application/octet-stream` uploads streamed to the blob store: 411 without a
 * Content-Length (or with Transfer-Encoding), 413 over `deps.limits.uploadBytes`, reading nothing.
 */
export const limitStreamedUpload: MiddlewareHandler<AppEnv> = async (c, next) => {
  const declared = c.req.header('content-length');
  if (declared === undefined || c.req.header('transfer-encoding') !== undefined) {
    throw new LengthRequiredError('a streamed upload needs a Content-Length (and no Transfer-Encoding)');
  }
  if (!DECIMAL.test(declared)) throw new BadRequestError(`Content-Length "${declared}" is not a byte count`);
  const maxSize = c.get('deps').limits.uploadBytes;
  if (Number(declared) > maxSize) throw tooLarge('upload', maxSize);
  await next();
};
