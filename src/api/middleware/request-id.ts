// Gives every request an id: the caller's X-Request-Id when it is sane, otherwise a new UUID; echoed back.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env';

export const REQUEST_ID_HEADER = 'X-Request-Id';
// Bounded and printable so a caller cannot inject log lines or huge values.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const requestId: MiddlewareHandler<AppEnv> = async (c, next) => {
  const offered = c.req.header(REQUEST_ID_HEADER);
  const id = offered && ACCEPTABLE_ID.test(offered) ? offered : crypto.randomUUID();
  c.set('requestId', id);
  await next();
  c.header(REQUEST_ID_HEADER, id);
};
