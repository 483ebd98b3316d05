// API keys: issue (`dk_<id>_<secret>`, the secret shown once and stored as its sha256), authenticate
// in constant time, list, revoke, and the bootstrap admin key of a fresh installation.
import type { ApiKeyStore, Clock } from './ports';
import type { ApiKeyRecord, Scope } from './records';
import { NotFoundError, UnprocessableError } from './errors';
import { constantTimeEqual, randomBase64Url, randomHex, sha256Hex } from './hashing';

const TOKEN_PATTERN = /^dk_([a-z0-9]{1,64})_([A-Za-z0-9_-]{16,256})$/;

export interface IssuedApiKey {
  record: ApiKeyRecord;
  /** The full bearer token. Only returned here: the registry keeps its hash. */
  token: string;
}

export function formatToken(id: string, secret: string): string {
  return `dk_${id}_${secret}`;
}

/** Splits a bearer token into id and secret, or null when it is not a Distillery key. */
export function parseToken(token: string): { id: string; secret: string } | null {
  const match = TOKEN_PATTERN.exec(token);
  return match ? { id: match[1]!, secret: match[2]! } : null;
}

export async function issueApiKey(
  deps: { repo: ApiKeyStore; clock: Clock },
  input: { name: string; scopes: Scope[] },
  token: string = formatToken(randomHex(12), randomBase64Url(32)),
): Promise<IssuedApiKey> {
  const parsed = parseToken(token);
  if (!parsed) throw new UnprocessableError('an API key must look like dk_<id>_<secret> (id: a-z0-9, secret: at least 16 of A-Z a-z 0-9 _ -)');
  const record = await deps.repo.createApiKey({
    id: parsed.id,
    name: input.name,
    secretHash: await sha256Hex(parsed.secret),
    scopes: [...new Set(input.scopes)],
    createdAt: deps.clock.now().toISOString(),
    revokedAt: null,
  });
  return { record, token };
}

/** The active key a bearer token names, or null when it is malformed, unknown, wrong or revoked. */
export async function authenticateApiKey(repo: ApiKeyStore, token: string): Promise<ApiKeyRecord | null> {
  const parsed = parseToken(token);
  if (!parsed) return null;
  const key = await repo.getApiKey(parsed.id);
  // Hash even for unknown ids so the response time does not reveal which ids exist.
  const offeredHash = await sha256Hex(parsed.secret);
  if (!key || key.revokedAt !== null) return null;
  return constantTimeEqual(offeredHash, key.secretHash) ? key : null;
}

/** `admin` implies every other scope. */
export function hasScope(granted: readonly Scope[], needed: Scope): boolean {
  return granted.includes(needed) || granted.includes('admin');
}

/** The key a request authenticated with, read again for its record (revoked meanwhile shows `revokedAt`). */
export async function currentApiKey(repo: ApiKeyStore, id: string): Promise<ApiKeyRecord> {
  const key = await repo.getApiKey(id);
  // Keys are revoked, never deleted: one that authenticated this request still exists.
  if (!key) throw new NotFoundError(`API key "${id}" does not exist`);
  return key;
}

export async function listApiKeys(repo: ApiKeyStore): Promise<ApiKeyRecord[]> {
  return repo.listApiKeys();
}

/**
 * Revokes key `id` (revoking twice keeps the first time). Refuses (LastAdminKeyError, 409) to revoke
 * the last active admin key: nobody could issue keys any more. The store checks that in the same
 * statement as it revokes, so concurrent revocations cannot leave no admin key.
 */
export async function revokeApiKey(deps: { repo: ApiKeyStore; clock: Clock }, id: string): Promise<ApiKeyRecord> {
  const revoked = await deps.repo.revokeApiKey(id, deps.clock.now().toISOString());
  if (!revoked) throw new NotFoundError(`API key "${id}" does not exist`);
  return revoked;
}

/**
 * On a registry without keys, creates an admin key (the `envKey` when given, else a random one)
 * and returns its token so the entry point can print it once; returns null when keys exist.
 */
export async function ensureBootstrapAdminKey(
  repo: ApiKeyStore,
  clock: Clock,
  options: { envKey?: string | undefined },
): Promise<string | null> {
  if ((await repo.countApiKeys()) > 0) return null;
  const issued = await issueApiKey({ repo, clock }, { name: 'bootstrap-admin', scopes: ['admin'] }, options.envKey || undefined);
  return issued.token;
}
