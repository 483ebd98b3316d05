// SqlDatabase over node-postgres: a pool, drizzle transactions and row locks.
import type { SQL } from 'drizzle-orm';
import type { NodePgDatabase, NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgColumn, PgDatabase, PgTable } from 'drizzle-orm/pg-core';
import type { ConstraintViolation, OnConflict, SelectOptions, SqlDatabase, SqlStatements, TableOf } from '../sql-database';
import { driverErrorCode } from '../sql-database';

/** PostgreSQL's SQLSTATE codes for the constraints the domain cares about. */
const VIOLATIONS: Record<string, ConstraintViolation> = {
  '23505': 'unique',
  '23503': 'foreign-key',
};

class PgStatements implements SqlStatements<PgTable> {
  /** The pool's database, or one transaction of it. */
  constructor(private readonly db: PgDatabase<NodePgQueryResultHKT>) {}

  async select<Row>(table: TableOf<PgTable, Row>, options: SelectOptions = {}): Promise<Row[]> {
    const query = this.db
      .select()
      // Widened to a plain PgTable: pg-core's `from` cannot decide its subquery check on a generic table.
      .from(table as PgTable)
      .where(options.where)
      .orderBy(...(options.orderBy ?? []))
      .$dynamic();
    if (options.page) query.limit(options.page.limit).offset(options.page.offset);
    if (options.forUpdate) query.for('update');
    return (await query) as Row[];
  }

  async count(table: PgTable, where?: SQL): Promise<number> {
    return this.db.$count(table, where);
  }

  async insert<Row>(table: TableOf<PgTable, Row>, rows: Row[], onConflict?: OnConflict<Row>): Promise<Row[]> {
    const insert = this.db.insert(table).values(rows as never);
    if (!onConflict) return (await insert.returning()) as Row[];
    if ('doNothing' in onConflict) return (await insert.onConflictDoNothing().returning()) as Row[];
    // The target columns belong to `table`, a PostgreSQL table, so they are PostgreSQL columns.
    const upsert = insert.onConflictDoUpdate({ target: onConflict.target as PgColumn[], set: onConflict.set as never });
    return (await upsert.returning()) as Row[];
  }

  async update<Row>(table: TableOf<PgTable, Row>, set: Partial<Row>, where: SQL): Promise<Row[]> {
    return (await this.db.update(table).set(set as never).where(where).returning()) as Row[];
  }

  async delete<Row>(table: TableOf<PgTable, Row>, where: SQL): Promise<Row[]> {
    return (await this.db.delete(table).where(where).returning()) as Row[];
  }
}

export class PgDatabaseAdapter implements SqlDatabase<PgTable> {
  private readonly statements: PgStatements;

  constructor(
    private readonly db: NodePgDatabase,
    private readonly closePool: () => Promise<void>,
  ) {
    this.statements = new PgStatements(db);
  }

  transaction<R>(work: (statements: SqlStatements<PgTable>) => Promise<R>): Promise<R> {
    return this.db.transaction((tx) => work(new PgStatements(tx)));
  }

  run<R>(work: (statements: SqlStatements<PgTable>) => Promise<R>): Promise<R> {
    return work(this.statements);
  }

  violation(error: unknown): ConstraintViolation | null {
    return VIOLATIONS[driverErrorCode(error) ?? ''] ?? null;
  }

  close(): Promise<void> {
    return this.closePool();
  }
}
