// Idempotent creates: the first request under an Idempotency-Key reserves it; a repeat of the same
// request replays the stored response, or waits (409) while the first is still running; the same
// key with a different request is refused.
import { DistilleryError } from '../errors';
import { sha256Hex } from './hashing';
import { IDEMPOTENCY_IN_PROGRESS, type Clock, type IdempotencyStore } from './ports';
import type { IdempotencyRecord } from './records';

export class IdempotencyKeyReusedError extends DistilleryError {
  readonly type = 'idempotency-key-reused';
  readonly status = 422;
}

/**
 * How long a reservation may stay in progress before it counts as abandoned (its server stopped
 * mid-request) and a repeat of the request may take it over. The body has been read by then, so
 * this bounds only the handler: loading the artifact and writing its blobs.
 */
export const RESERVATION_TIMEOUT_MS = 15 * 60 * 1000;

/** Another request with this key has not finished yet: retry after a moment to get its response. */
export class IdempotencyKeyInProgressError extends DistilleryError {
  readonly type = 'idempotency-key-in-progress';
  readonly status = 409;
  readonly retryAfterSeconds = 1;
}

/** sha256 over method, path and body bytes: what "the same request" means. */
export async function requestFingerprint(method: string, path: string, body: Uint8Array): Promise<string> {
  const head = new TextEncoder().encode(`${method.toUpperCase()} ${path}\n`);
  const all = new Uint8Array(head.length + body.length);
  all.set(head);
  all.set(body, head.length);
  return sha256Hex(all);
}

/**
 * Reserves `key` for this request before it runs. Returns null when reserved (run the request,
 * then complete or release the key), or the stored response to replay. Throws when the key was used
 * for another request, or when the same request is still in progress (and not abandoned).
 */
export async function reserveIdempotencyKey(
  deps: { repo: IdempotencyStore; clock: Clock },
  entry: { apiKeyId: string; key: string; requestHash: string },
): Promise<IdempotencyRecord | null> {
  const now = deps.clock.now();
  const reservation = { ...entry, status: IDEMPOTENCY_IN_PROGRESS, responseBody: '', createdAt: now.toISOString() };
  const staleBefore = new Date(now.getTime() - RESERVATION_TIMEOUT_MS).toISOString();
  const stored = await deps.repo.reserveIdempotent(reservation, staleBefore);
  if (!stored) return null;
  const details = { idempotencyKey: entry.key };
  if (stored.requestHash !== entry.requestHash) {
    throw new IdempotencyKeyReusedError(`Idempotency-Key "${entry.key}" was already used for a different request`, details);
  }
  if (stored.status === IDEMPOTENCY_IN_PROGRESS) {
    throw new IdempotencyKeyInProgressError(`a request with Idempotency-Key "${entry.key}" is still in progress; retry shortly`, details);
  }
  return stored;
}
