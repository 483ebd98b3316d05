// Model and ensemble names share one namespace (TF Serving and KServe address both as
// `models/{name}`). Each insert carries its own condition — no row of the other table has the
// name — and runs after a claim of the name in the same batch, so that two creators of one name
// take turns: on PostgreSQL the second waits for the first's row lock on the claim, and its insert
// then reads the first's committed row (SQLite and D1 run one write at a time anyway).
import { eq, type SQL, sql, type Table } from 'drizzle-orm';
import type { VersionCounterRow } from './rows';
import type { SqlStatements, Statement, TableOf } from './sql-database';
import { bumpVersionCounter } from './version-counter';

/** The first statement of a batch that inserts a model or an ensemble called `name`. */
export function claimName<T extends Table>(
  s: SqlStatements<T>,
  counters: TableOf<T, VersionCounterRow>,
  name: string,
): Statement<VersionCounterRow[]> {
  return bumpVersionCounter(s, counters, `name:${name}`);
}

/** True when no row of `table` (models or ensembles) is called `name`. */
export function nameIsFreeIn<T extends Table>(table: TableOf<T, { name: string }>, name: string): SQL {
  return sql`not exists (select 1 from ${table} where ${eq(table.name, name)})`;
}
