// Version numbers from a counter row per subject, taken inside the batch that creates the version:
// the bump and the insert that reads it run as one unit, so a failed insert gives the number back.
import { eq, type SQL, sql, type Table } from 'drizzle-orm';
import type { VersionCounterRow } from './rows';
import type { SqlStatements, Statement, TableOf } from './sql-database';

/**
 * Increments the subject's counter (1 for a new subject). The upsert also makes concurrent
 * creators of one subject take turns (PostgreSQL holds its row lock until the batch ends; SQLite
 * and D1 run one write at a time), so they get distinct numbers; the unique constraints on
 * (model_id, version) and (name, version) are the backstop.
 */
export function bumpVersionCounter<T extends Table>(
  s: SqlStatements<T>,
  counters: TableOf<T, VersionCounterRow>,
  subject: string,
): Statement<VersionCounterRow[]> {
  return s.insert(counters, [{ subject, lastVersion: 1 }], {
    target: [counters.subject],
    set: { lastVersion: sql`${counters.lastVersion} + 1` },
  });
}

/** The number the counter holds now: a later statement of the same batch reads the bumped value. */
export function currentVersion<T extends Table>(counters: TableOf<T, VersionCounterRow>, subject: string): SQL {
  return sql`(select ${counters.lastVersion} from ${counters} where ${eq(counters.subject, subject)})`;
}
