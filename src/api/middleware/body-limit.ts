// 413 for request bodies over the configured limits: Content-Length is checked up front, chunked
// bodies while they are read (Hono's bodyLimit stops reading at the limit).
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv, BodyLimits } from '../app-env';
import { PayloadTooLargeError } from '../http-errors';

function limitBody(kind: keyof BodyLimits, what: string): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const maxSize = c.get('deps').limits[kind];
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new PayloadTooLargeError(`${what} bodies are limited to ${maxSize} bytes`, { limitBytes: maxSize });
      },
    })(c, next);
  };
}

/** For routes taking JSON: `deps.limits.jsonBytes`. */
export const limitJsonBody = limitBody('jsonBytes', 'JSON request');
/** For artifact and dataset uploads: `deps.limits.uploadBytes`. */
export const limitUploadBody = limitBody('uploadBytes', 'upload');
