// Builds route definitions with what every route shares: who may call it, the problem responses, and
// for protected routes the bearer security requirement, the authentication and scope check, the body
// limit, optional idempotency and the error statuses the route can answer.
import { createRoute, z, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Scope } from '../registry/records';
import type { AppEnv } from './app-env';
import { apiKeyAuth, describeScopes, publicAccess } from './middleware/auth';
import { limitJsonBody, limitStreamedUpload, limitUploadBody } from './middleware/body-limit';
import { idempotency, IDEMPOTENCY_HEADER, refuseIdempotencyKey } from './middleware/idempotency';
import { PROBLEM_CONTENT_TYPE, ProblemSchema, ProtocolProblemSchema } from './problem';

export const BEARER_SCHEME = 'bearerAuth';

type ProblemShape = typeof ProblemSchema | typeof ProtocolProblemSchema;

const problemOf = (schema: ProblemShape) => (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema } },
});

/** Declared on every route: any error is an RFC 9457 problem. */
const commonProblems = (problem: ReturnType<typeof problemOf>) => ({ default: problem('Problem (RFC 9457): see `type` for what went wrong.') }) as const;

const authProblems = (problem: ReturnType<typeof problemOf>) =>
  ({
    401: problem('Missing, unknown or revoked API key (`WWW-Authenticate: Bearer` says which).'),
    403: problem('The API key lacks the required scope.'),
  }) as const;

/** A route of a prediction protocol (TF Serving, KServe): its problems also carry `error`, which those clients read. */
export interface ProtocolRouteOptions {
  protocolErrors?: boolean;
}

/** Marks the request as a protocol's, before anything can fail: problem.ts then adds `error`. */
const answerProtocolErrors: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('protocolErrors', true);
  await next();
};

function problemShapeOf(options: ProtocolRouteOptions) {
  return problemOf(options.protocolErrors ? ProtocolProblemSchema : ProblemSchema);
}

/** The client-error statuses a route may declare beyond the ones every protected route has. */
export type ProblemStatus = 400 | 404 | 409 | 411 | 413 | 415 | 422;

const FIELD_ERRORS = '`errors` names each offending field.';

export interface ProtectedRouteOptions extends ProtocolRouteOptions {
  /** Honour `Idempotency-Key` (create POSTs). */
  idempotent?: boolean;
  /** Refuse `Idempotency-Key` (422), saying why: for creates whose response cannot be replayed. */
  refusesIdempotencyKey?: string;
  /** Why this route answers these statuses, beyond what its parameters, body and idempotency imply. */
  problems?: Partial<Record<ProblemStatus, string>>;
}

/**
 * Every route names its operation: a stable camelCase `operationId` (`listModels`, `createModelVersion`)
 * that generated SDKs name their methods by, so renaming one is a breaking change.
 */
export type NamedRoute = RouteConfig & { operationId: string };

/** A route anyone may call, without an API key (health; later the prediction protocols' health, the dashboard). */
export function publicRoute<const R extends NamedRoute>(route: R, options: ProtocolRouteOptions = {}) {
  // `security: []` overrides the document's root requirement: no key is needed here.
  const middleware = options.protocolErrors ? [answerProtocolErrors, publicAccess] : [publicAccess];
  return createRoute({ ...route, security: [], middleware, responses: { ...route.responses, ...commonProblems(problemShapeOf(options)) } });
}

/**
 * The problems a route can answer: from what its request has (parameters, a body, an idempotency
 * key), then the route's own reasons. Each status gets one response, its reasons joined.
 */
function declaredProblems(route: RouteConfig, options: ProtectedRouteOptions) {
  const problem = problemShapeOf(options);
  const reasons: Partial<Record<ProblemStatus, string[]>> = {};
  const add = (status: ProblemStatus, reason: string) => (reasons[status] ??= []).push(reason);
  const request = route.request;
  if (request?.params) add(404, 'A resource the path names does not exist.');
  if (request?.params || request?.query) add(422, `A path or query parameter is invalid (\`validation-error\`); ${FIELD_ERRORS}`);
  if (request?.body) {
    add(400, 'The body cannot be parsed (malformed JSON or multipart).');
    add(413, 'The body is larger than the limit; the rest of it is not read, so the connection is closed (`Connection: close`).');
    add(415, 'The body has a media type this route does not accept.');
    add(422, `The body breaks its schema, unknown fields included (\`validation-error\`); ${FIELD_ERRORS}`);
  }
  if (isStreamedUpload(route)) add(411, 'The upload has no `Content-Length`, or is chunked (`length-required`): a streamed body must declare its size.');
  if (options.idempotent) {
    add(409, `A request with the same \`${IDEMPOTENCY_HEADER}\` is still in progress (\`idempotency-key-in-progress\`): retry after \`Retry-After\` seconds.`);
    add(422, `The \`${IDEMPOTENCY_HEADER}\` was used for a different request (\`idempotency-key-reused\`).`);
  }
  if (options.refusesIdempotencyKey) add(422, `An \`${IDEMPOTENCY_HEADER}\` was sent (\`validation-error\`): ${options.refusesIdempotencyKey}`);
  for (const [status, reason] of Object.entries(options.problems ?? {})) add(Number(status) as ProblemStatus, reason);
  return Object.fromEntries(Object.entries(reasons).map(([status, list]) => [status, problem(list.join(' '))]));
}

const IdempotencyHeaders = z.object({
  [IDEMPOTENCY_HEADER]: z
    .string()
    .optional()
    .openapi({
      param: { name: IDEMPOTENCY_HEADER, in: 'header' },
      description:
        'A client-chosen key (1-255 visible ASCII characters) for retrying this create safely: the same request with the same key replays the first response (`Idempotent-Replayed: true`) instead of creating again.',
      example: 'upload-2024-05-01-a',
    }),
});

const STREAMED_UPLOAD = 'application/octet-stream';

/** Whether the route takes a raw byte stream (raw-upload.ts), which is never buffered. */
function isStreamedUpload(route: RouteConfig): boolean {
  return Object.keys(route.request?.body?.content ?? {}).includes(STREAMED_UPLOAD);
}

/**
 * A route that needs an API key granting `scope`; the body limit follows the declared request
 * content (multipart uploads get the upload limit, raw octet-stream uploads the same limit on
 * their declared Content-Length, everything else the JSON limit).
 * @example protectedRoute('read', { method: 'get', path: '/{name}', responses: { 200: ... } }, { problems: { 409: 'Why.' } })
 */
export function protectedRoute<const R extends NamedRoute>(scope: Scope | readonly Scope[], route: R, options: ProtectedRouteOptions = {}) {
  const middleware: MiddlewareHandler<AppEnv>[] = [...(options.protocolErrors ? [answerProtocolErrors] : []), apiKeyAuth({ scope })];
  const mediaTypes = Object.keys(route.request?.body?.content ?? {});
  if (mediaTypes.length > 0) {
    const isMultipart = mediaTypes.some((type) => type.startsWith('multipart/'));
    middleware.push(isStreamedUpload(route) ? limitStreamedUpload : isMultipart ? limitUploadBody : limitJsonBody);
  }
  if (options.idempotent) middleware.push(idempotency);
  if (options.refusesIdempotencyKey) middleware.push(refuseIdempotencyKey(options.refusesIdempotencyKey));
  const note = `Requires an API key with the ${describeScopes(scope)} scope (\`admin\` grants every scope).${
    options.idempotent ? ` Honours \`${IDEMPOTENCY_HEADER}\`: a repeated request replays the first response.` : ''
  }${options.refusesIdempotencyKey ? ` Refuses \`${IDEMPOTENCY_HEADER}\` (422): ${options.refusesIdempotencyKey}` : ''}`;
  // The header is declared for the spec (and checked); handlers never read it, so their types stay the route's own.
  const declared = options.idempotent ? ({ ...route, request: { ...route.request, headers: IdempotencyHeaders } } as R) : route;
  return createRoute({
    ...declared,
    description: route.description ? `${route.description}\n\n${note}` : note,
    security: [{ [BEARER_SCHEME]: [] }],
    middleware,
    responses: { ...route.responses, ...declaredProblems(route, options), ...authProblems(problemShapeOf(options)), ...commonProblems(problemShapeOf(options)) },
  });
}
