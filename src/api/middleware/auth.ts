// Access declared per route, never by a global path list: `apiKeyAuth({ scope })` authenticates the
// bearer API key and checks the scope; `publicAccess` marks a route anyone may call (route-config.ts).
import type { MiddlewareHandler } from 'hono';
import { authenticateApiKey, hasScope } from '../../registry/api-keys';
import type { Scope } from '../../registry/records';
import type { AppEnv } from '../app-env';
import { ForbiddenError, UnauthorizedError } from '../http-errors';

export interface ApiKeyAuthOptions {
  /** The scope the caller's key must grant, or scopes of which it must grant one (`admin` grants every scope). */
  scope: Scope | readonly Scope[];
}

/** `read`, or `node` or `read`: how the spec names what a route needs. */
export function describeScopes(scope: Scope | readonly Scope[]): string {
  return (typeof scope === 'string' ? [scope] : scope).map((one) => `\`${one}\``).join(' or ');
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Who may call a route, recorded for each middleware that declares it. */
export type RouteAccess = 'public' | 'protected';
const declarations = new WeakMap<MiddlewareHandler<AppEnv>, RouteAccess>();

function declaring(access: RouteAccess, middleware: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  declarations.set(middleware, access);
  return middleware;
}

/**
 * Sets `principal` from `Authorization: Bearer <key>` — 401 when the key is missing, unknown, wrong
 * or revoked — then refuses with 403 unless the key grants `options.scope`.
 * @example app.openapi(createRoute({ ..., middleware: [apiKeyAuth({ scope: 'write' })] }), handler)
 */
export function apiKeyAuth(options: ApiKeyAuthOptions): MiddlewareHandler<AppEnv> {
  const { scope } = options;
  return declaring('protected', async (c, next) => {
    const header = c.req.header('Authorization');
    if (!header) throw new UnauthorizedError('missing Authorization: Bearer <api key> header');
    const token = BEARER.exec(header)?.[1];
    if (!token) throw new UnauthorizedError('the Authorization header must be "Bearer <api key>"');
    const key = await authenticateApiKey(c.get('deps').repo, token);
    if (!key) throw new UnauthorizedError('the API key is not valid (unknown, wrong or revoked)', true);
    c.set('principal', { apiKeyId: key.id, scopes: key.scopes });
    const accepted = typeof scope === 'string' ? [scope] : scope;
    if (!accepted.some((one) => hasScope(key.scopes, one))) {
      throw new ForbiddenError(`this API key lacks the ${accepted.map((one) => `"${one}"`).join(' or ')} scope`, { requiredScope: scope });
    }
    await next();
  });
}

/**
 * Declares a route public: it lets every request through. Routes built without `protectedRoute` or
 * `publicRoute` (the spec and the docs pages) carry it so that every route says who may call it;
 * test/api/auth.test.ts fails on a route that says neither.
 * @example app.get('/openapi.json', publicAccess, handler)
 */
export const publicAccess: MiddlewareHandler<AppEnv> = declaring('public', (_c, next) => next());

/** The access `handler` declares, or null when it is not one of the declarations above. */
export function declaredAccess(handler: unknown): RouteAccess | null {
  return declarations.get(handler as MiddlewareHandler<AppEnv>) ?? null;
}
