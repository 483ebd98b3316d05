// Typed domain errors: thrown by the registry and its adapters, turned into problem+json by the API.

/** Base class: `type` is the stable RFC 9457 problem type suffix, `status` the HTTP status it maps to. */
export abstract class RegistryError extends Error {
  abstract readonly type: string;
  abstract readonly status: number;
  /** Extra problem members (e.g. the offending field) for clients to act on. */
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class NotFoundError extends RegistryError {
  readonly type = 'not-found';
  readonly status = 404;
}

/** The request contradicts existing state: duplicate name, write-once object rewritten, delete of a version with descendants. */
export class ConflictError extends RegistryError {
  readonly type = 'conflict';
  readonly status = 409;
}

/** Well-formed request whose content is unacceptable: an artifact that does not load, a malformed dataset file, a bad lineage edge. */
export class UnprocessableError extends RegistryError {
  readonly type = 'unprocessable-entity';
  readonly status = 422;
}

/** Stored bytes do not hash to what SQL recorded: never served. */
export class IntegrityError extends RegistryError {
  readonly type = 'integrity-error';
  readonly status = 500;
}
