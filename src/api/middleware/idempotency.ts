// `Idempotency-Key` on create POSTs: reserves the key before the handler runs, so concurrent repeats
// get 409 instead of creating twice; replays the stored response to a later repeat; refuses a key
// reused for a different request. Only successful responses are kept, so a failed create can be retried.
import type { Context, MiddlewareHandler } from 'hono';
import { sha256Hex } from '../../registry/hashing';
import { requestFingerprint, reserveIdempotencyKey } from '../../registry/idempotency';
import type { AppEnv } from '../app-env';
import { BadRequestError, RequestValidationError } from '../http-errors';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
const ACCEPTABLE_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * For creates whose response must never be stored (a secret shown once): an `Idempotency-Key` is
 * refused (422 naming the header) rather than ignored, so no client believes its retry is safe.
 */
export function refuseIdempotencyKey(why: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.header(IDEMPOTENCY_HEADER) === undefined) return next();
    throw new RequestValidationError(`${IDEMPOTENCY_HEADER} is not accepted on this route`, [
      { in: 'header', path: IDEMPOTENCY_HEADER, message: `is not accepted here: ${why}` },
    ]);
  };
}

export const idempotency: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = c.req.header(IDEMPOTENCY_HEADER);
  if (key === undefined) return next();
  if (!ACCEPTABLE_KEY.test(key)) {
    throw new RequestValidationError('invalid Idempotency-Key', [
      { in: 'header', path: IDEMPOTENCY_HEADER, message: 'must be 1-255 visible ASCII characters' },
    ]);
  }
  const { repo, clock } = c.get('deps');
  const apiKeyId = c.get('principal').apiKeyId;
  const requestHash = await requestFingerprint(c.req.method, c.req.path, await canonicalBody(c));
  const stored = await reserveIdempotencyKey({ repo, clock }, { apiKeyId, key, requestHash });
  if (stored) {
    return c.body(stored.responseBody, stored.status as 201, {
      'Content-Type': 'application/json',
      [REPLAYED_HEADER]: 'true',
    });
  }
  let completed = false;
  try {
    await next();
    if (c.res.status >= 200 && c.res.status < 300) {
      await repo.completeIdempotent(apiKeyId, key, c.res.status, await c.res.clone().text());
      completed = true;
    }
  } finally {
    if (!completed) await repo.releaseIdempotent(apiKeyId, key);
  }
};

/**
 * The body as "the same request" should compare it: raw bytes, except for multipart forms, whose
 * random boundary differs on every retry — those compare by each part's name, filename and content.
 * Hono caches what is read here (the bytes, or the parsed form), so the validators after this
 * middleware reuse it instead of reading or parsing the body a second time.
 */
async function canonicalBody(c: Context<AppEnv>): Promise<Uint8Array> {
  const contentType = c.req.header('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) return new Uint8Array(await c.req.arrayBuffer());
  const form = await c.req.formData().catch((error: unknown) => {
    throw new BadRequestError(`malformed multipart body: ${error instanceof Error ? error.message : String(error)}`);
  });
  const parts: [string, string | null, string][] = [];
  for (const [name, value] of form) {
    const content = typeof value === 'string' ? new TextEncoder().encode(value) : new Uint8Array(await value.arrayBuffer());
    parts.push([name, typeof value === 'string' ? null : value.name, await sha256Hex(content)]);
  }
  return new TextEncoder().encode(JSON.stringify(parts));
}
