// The IdempotencyStore port on SQL, for every dialect: reserving is an insert that does nothing
// when the key is taken, then a compare-and-swap that takes over an abandoned reservation.
import { eq, lt, type SQL, type Table } from 'drizzle-orm';
import { UnprocessableError } from '../../errors';
import { IDEMPOTENCY_IN_PROGRESS, type IdempotencyStore } from '../../ports';
import type { IdempotencyRecord, Timestamp } from '../../records';
import type { RegistryTables } from './rows';
import type { SqlDatabase } from './sql-database';
import { allOf, first, mapViolations, notFound } from './sql-store-helpers';

/**
 * How many times a reservation is retried when the record it lost to is released before it can
 * be read: once is already unlikely, so this only keeps a pathological loop finite.
 */
const RESERVE_ATTEMPTS = 3;

export function sqlIdempotencyStore<T extends Table>(db: SqlDatabase<T>, t: RegistryTables<T>): IdempotencyStore {
  const s = db.statements;
  const { idempotencyKeys: keys } = t;

  const byKey = (apiKeyId: string, key: string) => allOf(eq(keys.apiKeyId, apiKeyId), eq(keys.key, key));
  /** The idempotency record of `key` while its request is still in progress. */
  const reservation = (apiKeyId: string, key: string): SQL => allOf(byKey(apiKeyId, key), eq(keys.status, IDEMPOTENCY_IN_PROGRESS));
  const getIdempotent = async (apiKeyId: string, key: string) => first(await db.run(s.select(keys, { where: byKey(apiKeyId, key) })));

  return {
    getIdempotent,

    async reserveIdempotent(record: IdempotencyRecord, staleBefore: Timestamp): Promise<IdempotencyRecord | null> {
      const { apiKeyId, key } = record;
      // Still in progress, for the same request, and created before `staleBefore`: abandoned. The
      // first taker moves its time past `staleBefore`, so a concurrent taker's swap finds nothing.
      const abandoned = allOf(reservation(apiKeyId, key), eq(keys.requestHash, record.requestHash), lt(keys.createdAt, staleBefore));
      for (let attempt = 0; attempt < RESERVE_ATTEMPTS; attempt++) {
        const inserted = await mapViolations(db, db.run(s.insert(keys, [record], { doNothing: true })), {
          'foreign-key': () => new UnprocessableError(`API key ${apiKeyId} does not exist`),
        });
        if (inserted.length > 0) return null;
        const taken = await db.run(s.update(keys, { createdAt: record.createdAt }, abandoned));
        if (taken.length > 0) return null;
        const stored = await getIdempotent(apiKeyId, key);
        if (stored) return stored;
        // Released between the insert and the read: the key is free again.
      }
      return notFound('idempotency key', key);
    },

    async completeIdempotent(apiKeyId: string, key: string, status: number, responseBody: string): Promise<IdempotencyRecord> {
      const completed = await db.run(s.update(keys, { status, responseBody }, reservation(apiKeyId, key)));
      return first(completed) ?? notFound('idempotency reservation', key);
    },

    async releaseIdempotent(apiKeyId: string, key: string): Promise<boolean> {
      return (await db.run(s.delete(keys, reservation(apiKeyId, key)))).length > 0;
    },
  };
}
