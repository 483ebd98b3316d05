// The ApiKeyStore port on SQL, for every dialect. Revoking checks "another active admin key
// remains" in the UPDATE itself, so two concurrent revocations of the last two admin keys cannot
// both pass the check.
import { asc, eq, isNull, type SQL, sql, type Table } from 'drizzle-orm';
import { ConflictError, LastAdminKeyError } from '../../errors';
import type { ApiKeyStore } from '../../ports';
import type { ApiKeyRecord, Timestamp } from '../../records';
import type { RegistryTables } from './rows';
import type { SqlDatabase } from './sql-database';
import { allOf, first, mapViolations } from './sql-store-helpers';

export function sqlApiKeyStore<T extends Table>(db: SqlDatabase<T>, t: RegistryTables<T>): ApiKeyStore {
  const s = db.statements;
  const { apiKeys } = t;
  const getApiKey = async (id: string) => first(await db.run(s.select(apiKeys, { where: eq(apiKeys.id, id) })));

  /**
   * True unless the key being revoked is an admin key and no other active admin key exists. All
   * active admin keys, the revoked one included, are read locked in id order (PostgreSQL: `FOR
   * UPDATE`, re-checked after each lock wait): one order, so concurrent revokers queue instead of
   * deadlocking, and one that waited sees the other's key revoked, where a plain EXISTS would
   * still see it active under READ COMMITTED. The count includes the key itself (active, as the
   * UPDATE requires): PostgreSQL would push an `id <> …` filter below the lock, leaving the key
   * itself unlocked and the order broken.
   */
  function leavesAnAdmin(): SQL {
    const isAdmin = db.dialect.jsonArrayContains(apiKeys.scopes, 'admin');
    const activeAdmins = sql`select ${apiKeys.id} from ${apiKeys} where ${isNull(apiKeys.revokedAt)} and ${isAdmin} order by ${apiKeys.id} ${db.dialect.lockRows}`;
    return sql`(not ${isAdmin} or (select count(*) from (${activeAdmins}) as active_admins) > 1)`;
  }

  return {
    async createApiKey(key: ApiKeyRecord): Promise<ApiKeyRecord> {
      await mapViolations(db, db.run(s.insert(apiKeys, [key])), {
        unique: () => new ConflictError(`API key ${key.id} (or one with the same secret) already exists`, { id: key.id }),
      });
      return key;
    },

    getApiKey,

    async listApiKeys(): Promise<ApiKeyRecord[]> {
      return db.run(s.select(apiKeys, { orderBy: [asc(apiKeys.createdAt), asc(apiKeys.id)] }));
    },

    async revokeApiKey(id: string, at: Timestamp): Promise<ApiKeyRecord | null> {
      const where = allOf(eq(apiKeys.id, id), isNull(apiKeys.revokedAt), leavesAnAdmin());
      const revoked = first(await db.run(s.update(apiKeys, { revokedAt: at }, where)));
      if (revoked) return revoked;
      // Not revoked now: absent, revoked already (the first time stays), or the last active admin key.
      const key = await getApiKey(id);
      if (key && key.revokedAt === null) {
        throw new LastAdminKeyError(`API key "${id}" is the last active admin key: issue another admin key before revoking it`, { id });
      }
      return key;
    },

    async countApiKeys(): Promise<number> {
      return db.run(s.count(apiKeys));
    },
  };
}
