// RFC 9457 problem details: the one error shape of the API, its schema, and the one error handler.
import { z, type Hook } from '@hono/zod-openapi';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DistilleryError } from '../errors';
import type { AppEnv } from './app-env';
import { describeError } from './error-log';
import { fieldPath, LengthRequiredError, PayloadTooLargeError, RequestValidationError, UnauthorizedError, type FieldError, type FieldLocation } from './http-errors';

export const PROBLEM_TYPE_BASE = 'https://distillery.dev/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: `${PROBLEM_TYPE_BASE}not-found` }),
    title: z.string().openapi({ example: 'Not Found' }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string().openapi({ example: 'model "mnist-teacher" does not exist' }),
    instance: z.string().openapi({ description: 'The request path.', example: '/v1/models/mnist-teacher' }),
    requestId: z.string().openapi({ description: 'Echoed as the X-Request-Id response header.' }),
    errors: z
      .array(
        z.object({
          in: z.enum(['body', 'path', 'query', 'header', 'multipart']),
          path: z.string().openapi({ example: 'metadata.parents[0].version' }),
          message: z.string(),
        }),
      )
      .optional()
      .openapi({
        description:
          'For 422s (`validation-error`: the request breaks the schema; `unprocessable-entity`: well-formed content the registry refuses): each offending field, named by where it is and its path there.',
      }),
  })
  .catchall(z.unknown())
  .openapi('Problem');

export type Problem = z.infer<typeof ProblemSchema>;

/** The prediction protocols' clients (TF Serving's, KServe's) read an error as `{"error": "..."}`: their routes' problems carry it too. */
export const ProtocolProblemSchema = ProblemSchema.extend({
  error: z.string().openapi({ description: 'The same as `detail`, where TF Serving and KServe clients read it.' }),
}).openapi('ProtocolProblem');

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  411: 'Length Required',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

const SLUGS_BY_STATUS: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable-entity',
};

/** Builds the problem+json response for `status`; `slug` defaults to the status's generic type. */
export function problemResponse(
  c: Context<AppEnv>,
  status: number,
  detail: string,
  options: { slug?: string; details?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Response {
  const body: Problem = {
    type: PROBLEM_TYPE_BASE + (options.slug ?? SLUGS_BY_STATUS[status] ?? 'internal-error'),
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    instance: c.req.path,
    requestId: c.get('requestId') ?? '',
  };
  if (c.get('protocolErrors')) body.error = detail;
  // Extra members never replace the standard ones.
  for (const [key, value] of Object.entries(options.details ?? {})) if (!(key in body)) body[key] = value;
  return c.body(JSON.stringify(body), status as ContentfulStatusCode, { ...options.headers, 'Content-Type': PROBLEM_CONTENT_TYPE });
}

/** The single error handler: typed errors keep their status, anything unknown is a logged 500. */
export const handleError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof DistilleryError) {
    // 501 (not served by this deployment) and 503 (busy, or shutting down) are answers, not faults: logging each
    // with a stack would flood the log exactly when the service is under load.
    if (error.status >= 500 && error.status !== 501 && error.status !== 503) logUnexpected(c, error);
    return problemResponse(c, error.status, error.message, { slug: error.type, details: error.details, headers: errorHeaders(error) });
  }
  if (error instanceof HTTPException) {
    // Hono's own validators throw these: malformed JSON or form data (400), wrong media type (415).
    const detail = error.status === 415 ? `content type ${c.req.header('content-type') ?? '(none)'} is not accepted here` : error.message;
    return problemResponse(c, error.status, detail);
  }
  logUnexpected(c, error);
  return problemResponse(c, 500, 'unexpected server error; the request id identifies it in the logs');
};

/** Response headers some errors call for: how to authenticate, when to retry, that the connection ends. */
function errorHeaders(error: DistilleryError): Record<string, string> {
  if (error instanceof UnauthorizedError) return { 'WWW-Authenticate': error.challenge };
  // The rest of an oversized body is never read, so the connection cannot carry another request:
  // say so, or a keep-alive client sends its next request into a socket about to close.
  if (error instanceof PayloadTooLargeError || error instanceof LengthRequiredError) return { Connection: 'close' };
  // An idempotency key still in progress, a full prediction queue: errors that know when to retry say so.
  if ('retryAfterSeconds' in error && typeof error.retryAfterSeconds === 'number') return { 'Retry-After': String(error.retryAfterSeconds) };
  return {};
}

export const handleNotFound: NotFoundHandler<AppEnv> = (c) => {
  if (isProtocolPath(c.req.path)) c.set('protocolErrors', true);
  return problemResponse(c, 404, `no route for ${c.req.method} ${c.req.path}`);
};

/**
 * A path no route matched that a prediction protocol's client would send (anything under KServe's `/v2`, or a TF
 * Serving custom verb such as `/v1/models/x:classify`): its 404 carries `error` too, as the protocol routes' do.
 */
function isProtocolPath(path: string): boolean {
  return /^\/v2(\/|$)/.test(path) || /:[^/]*$/.test(path);
}

/** OpenAPIHono's defaultHook: turns a zod failure into a 422 naming each field. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (result.success) return;
  const where = PART_NAMES[result.target] ?? 'body';
  throw new RequestValidationError(
    `invalid request ${where}`,
    result.error.issues.flatMap((issue) => issueToFieldErrors(where, issue)),
  );
};

const PART_NAMES: Record<string, FieldLocation> = { json: 'body', form: 'multipart', param: 'path', query: 'query', header: 'header' };

/**
 * Names a zod issue's field (`parents[0].model`), under `prefix` when the schema checked only part of
 * the location (the JSON of one multipart part); an unknown key is named itself.
 */
export function issueToFieldErrors(
  where: FieldLocation,
  issue: { path: PropertyKey[]; message: string; code?: string; keys?: string[] },
  prefix: PropertyKey[] = [],
): FieldError[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    return issue.keys.map((key) => ({ in: where, path: fieldPath([...path, key]), message: 'is not a known field' }));
  }
  return [{ in: where, path: fieldPath(path), message: issue.message }];
}

function logUnexpected(c: Context<AppEnv>, error: unknown): void {
  const logger = c.get('deps')?.logger;
  const fields = { requestId: c.get('requestId'), ...describeError(error) };
  if (logger) logger.error('unhandled-error', fields);
  else console.error('unhandled-error', fields);
}
