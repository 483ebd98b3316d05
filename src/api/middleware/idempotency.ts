// `Idempotency-Key` on create POSTs: replays the stored response to a repeated request, refuses a
// key reused for a different one. Only successful responses are stored, so a failed create can be retried.
import type { MiddlewareHandler } from 'hono';
import { findReplay, rememberResponse, requestFingerprint } from '../../registry/idempotency';
import type { AppEnv } from '../app-env';
import { RequestValidationError } from '../http-errors';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
const ACCEPTABLE_KEY = /^[\x21-\x7e]{1,255}$/;

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
  // Hono caches the bytes, so the validators after this middleware can still parse the body.
  const body = new Uint8Array(await c.req.arrayBuffer());
  const requestHash = await requestFingerprint(c.req.method, c.req.path, body);
  const stored = await findReplay(repo, apiKeyId, key, requestHash);
  if (stored) {
    return c.body(stored.responseBody, stored.status as 201, {
      'Content-Type': 'application/json',
      [REPLAYED_HEADER]: 'true',
    });
  }
  await next();
  if (c.res.status >= 200 && c.res.status < 300) {
    const responseBody = await c.res.clone().text();
    await rememberResponse({ repo, clock }, { apiKeyId, key, requestHash, status: c.res.status, responseBody });
  }
};
