// Builds route definitions with what every route shares: the problem responses, and for protected
// routes the bearer security requirement, the scope check, the body limit and optional idempotency.
import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Scope } from '../registry/records';
import type { AppEnv } from './app-env';
import { requireScope } from './middleware/auth';
import { limitJsonBody, limitUploadBody } from './middleware/body-limit';
import { idempotency, IDEMPOTENCY_HEADER } from './middleware/idempotency';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from './problem';

export const BEARER_SCHEME = 'bearerAuth';

const problem = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
});

/** Declared on every route: any error is an RFC 9457 problem. */
const commonProblems = { default: problem('Problem (RFC 9457): see `type` for what went wrong.') } as const;

const authProblems = {
  401: problem('Missing, unknown or revoked API key.'),
  403: problem('The API key lacks the required scope.'),
} as const;

export interface ProtectedRouteOptions {
  /** Honour `Idempotency-Key` (create POSTs). */
  idempotent?: boolean;
}

/** A route anyone may call (health, docs). */
export function publicRoute<const R extends RouteConfig>(route: R) {
  return createRoute({ ...route, responses: { ...route.responses, ...commonProblems } });
}

/**
 * A route that needs an API key granting `scope`; the body limit follows the declared request
 * content (multipart/octet-stream uploads get the upload limit, everything else the JSON limit).
 * @example protectedRoute('read', { method: 'get', path: '/{name}', responses: { 200: ... } })
 */
export function protectedRoute<const R extends RouteConfig>(scope: Scope, route: R, options: ProtectedRouteOptions = {}) {
  const middleware: MiddlewareHandler<AppEnv>[] = [requireScope(scope)];
  const mediaTypes = Object.keys(route.request?.body?.content ?? {});
  if (mediaTypes.length > 0) {
    const isUpload = mediaTypes.some((type) => type.startsWith('multipart/') || type === 'application/octet-stream');
    middleware.push(isUpload ? limitUploadBody : limitJsonBody);
  }
  if (options.idempotent) middleware.push(idempotency);
  const note = `Requires an API key with the \`${scope}\` scope (\`admin\` grants every scope).${
    options.idempotent ? ` Honours \`${IDEMPOTENCY_HEADER}\`: a repeated request replays the first response.` : ''
  }`;
  return createRoute({
    ...route,
    description: route.description ? `${route.description}\n\n${note}` : note,
    security: [{ [BEARER_SCHEME]: [] }],
    middleware,
    responses: { ...route.responses, ...authProblems, ...commonProblems },
  });
}
