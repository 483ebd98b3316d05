// One structured log line per request, written after the response (including error responses) is known.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env';

export const requestLogging: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = performance.now();
  await next();
  c.get('deps').logger.info('request', {
    requestId: c.get('requestId'),
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    ms: Math.round((performance.now() - started) * 10) / 10,
    apiKeyId: c.get('principal')?.apiKeyId ?? null,
  });
};
