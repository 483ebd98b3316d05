// Bearer API-key authentication for every route except the public ones, and per-route scope checks.
import type { MiddlewareHandler } from 'hono';
import { authenticateApiKey, hasScope } from '../../registry/api-keys';
import type { Scope } from '../../registry/records';
import type { AppEnv } from '../app-env';
import { ForbiddenError, UnauthorizedError } from '../http-errors';

/** Paths anyone may read: liveness, the spec and its interactive reference. */
export function isPublicPath(path: string): boolean {
  return path === '/health' || path === '/openapi.json' || path === '/docs' || path.startsWith('/docs/');
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Sets `principal` from `Authorization: Bearer <key>`; 401 when the key is missing, unknown, wrong or revoked. */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (isPublicPath(c.req.path)) return next();
  const header = c.req.header('Authorization');
  if (!header) throw new UnauthorizedError('missing Authorization: Bearer <api key> header');
  const token = BEARER.exec(header)?.[1];
  if (!token) throw new UnauthorizedError('the Authorization header must be "Bearer <api key>"');
  const key = await authenticateApiKey(c.get('deps').repo, token);
  if (!key) throw new UnauthorizedError('the API key is not valid (unknown, wrong or revoked)', true);
  c.set('principal', { apiKeyId: key.id, scopes: key.scopes });
  await next();
};

/**
 * Refuses the request with 403 unless the caller's key grants `scope` (`admin` grants every scope).
 * @example app.openapi(createRoute({ ..., middleware: [requireScope('write')] }), handler)
 */
export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.get('principal');
    if (!principal) throw new UnauthorizedError('this route needs an API key');
    if (!hasScope(principal.scopes, scope)) {
      throw new ForbiddenError(`this API key lacks the "${scope}" scope`, { requiredScope: scope });
    }
    await next();
  };
}
