// HTTP-level failures (authentication, scopes, body size, request validation) as typed errors,
// so the one error handler in problem.ts maps them like the registry's own errors.
import { DistilleryError } from '../errors';

/** No usable API key; `tokenSent` says whether a bearer token came and was refused (wrong, unknown, revoked). */
export class UnauthorizedError extends DistilleryError {
  readonly type = 'unauthorized';
  readonly status = 401;

  constructor(
    message: string,
    readonly tokenSent = false,
  ) {
    super(message);
  }

  /** The RFC 6750 `WWW-Authenticate` challenge: `invalid_token` only when a token was refused. */
  get challenge(): string {
    return this.tokenSent ? 'Bearer realm="distillery", error="invalid_token"' : 'Bearer realm="distillery"';
  }
}

export class ForbiddenError extends DistilleryError {
  readonly type = 'forbidden';
  readonly status = 403;
}

export class PayloadTooLargeError extends DistilleryError {
  readonly type = 'payload-too-large';
  readonly status = 413;
}

/** A streamed upload came without a Content-Length (or chunked): its size must be known before any byte is stored. */
export class LengthRequiredError extends DistilleryError {
  readonly type = 'length-required';
  readonly status = 411;
}

export class UnsupportedMediaTypeError extends DistilleryError {
  readonly type = 'unsupported-media-type';
  readonly status = 415;
}

/** Where in the request a field is: the JSON body, a path or query parameter, a header, or a multipart part. */
export type FieldLocation = 'body' | 'path' | 'query' | 'header' | 'multipart';

/**
 * One offending field of a request. `path` starts at the top of its location: `inputShape[0]` in a
 * JSON body, `version` among path parameters, `metadata.parents[0].version` in a multipart part's JSON.
 */
export interface FieldError {
  in: FieldLocation;
  path: string;
  message: string;
}

/** Writes a field's path: `.` between names, `[i]` for array positions (`parents[0].model`). */
export function fieldPath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>((path, segment) => {
    if (typeof segment === 'number') return `${path}[${segment}]`;
    return path === '' ? String(segment) : `${path}.${String(segment)}`;
  }, '');
}

/** The request's fields break the schema; `errors` names each field. */
export class RequestValidationError extends DistilleryError {
  readonly type = 'validation-error';
  readonly status = 422;

  constructor(message: string, errors: FieldError[]) {
    super(message, { errors });
  }
}

/** The request cannot be parsed at all (e.g. a JSON part that is not JSON). */
export class BadRequestError extends DistilleryError {
  readonly type = 'bad-request';
  readonly status = 400;
}
