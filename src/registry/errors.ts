// Typed domain errors: thrown by the registry and its adapters, turned into problem+json by the API.
import { DistilleryError } from '../errors';

export class NotFoundError extends DistilleryError {
  readonly type = 'not-found';
  readonly status = 404;
}

/** The request contradicts existing state: duplicate name, write-once object rewritten, delete of a version with descendants. */
export class ConflictError extends DistilleryError {
  readonly type = 'conflict';
  readonly status = 409;
}

/** Well-formed request whose content is unacceptable: an artifact that does not load, a malformed dataset file, a bad lineage edge. */
export class UnprocessableError extends DistilleryError {
  readonly type = 'unprocessable-entity';
  readonly status = 422;
}

/** Stored bytes do not hash to what SQL recorded: never served. */
export class IntegrityError extends DistilleryError {
  readonly type = 'integrity-error';
  readonly status = 500;
}

/** Revoking this key would leave no active admin key: nobody could issue keys any more. */
export class LastAdminKeyError extends DistilleryError {
  readonly type = 'last-admin-key';
  readonly status = 409;
}

/** A node wrote with a fencing token that no longer holds its run: the run was claimed again, or finished. */
export class StaleLeaseError extends DistilleryError {
  readonly type = 'stale-lease';
  readonly status = 409;
}
