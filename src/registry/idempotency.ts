// Idempotent creates: a repeated Idempotency-Key with the same request replays the first response;
// the same key with a different request is refused.
import { RegistryError } from './errors';
import { sha256Hex } from './hashing';
import type { Clock, Repository } from './ports';
import type { IdempotencyRecord } from './records';

export class IdempotencyKeyReusedError extends RegistryError {
  readonly type = 'idempotency-key-reused';
  readonly status = 422;
}

/** sha256 over method, path and body bytes: what "the same request" means. */
export async function requestFingerprint(method: string, path: string, body: Uint8Array): Promise<string> {
  const head = new TextEncoder().encode(`${method.toUpperCase()} ${path}\n`);
  const all = new Uint8Array(head.length + body.length);
  all.set(head);
  all.set(body, head.length);
  return sha256Hex(all);
}

/** The stored response to replay, null when the key is new; throws when the key was used for another request. */
export async function findReplay(
  repo: Repository,
  apiKeyId: string,
  key: string,
  requestHash: string,
): Promise<IdempotencyRecord | null> {
  const stored = await repo.getIdempotent(apiKeyId, key);
  if (!stored) return null;
  if (stored.requestHash !== requestHash) {
    throw new IdempotencyKeyReusedError(`Idempotency-Key "${key}" was already used for a different request`, {
      idempotencyKey: key,
    });
  }
  return stored;
}

export async function rememberResponse(
  deps: { repo: Repository; clock: Clock },
  entry: Omit<IdempotencyRecord, 'createdAt'>,
): Promise<IdempotencyRecord> {
  return deps.repo.saveIdempotent({ ...entry, createdAt: deps.clock.now().toISOString() });
}
