// SqlDatabase over better-sqlite3: one connection, transactions queued so they never interleave.
import { type Column, type SQL, sql } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { ConstraintViolation, OnConflict, SelectOptions, SqlDatabase, SqlStatements, TableOf } from '../sql-database';
import { driverErrorCode } from '../sql-database';

const VIOLATIONS: Record<string, ConstraintViolation> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign-key',
};

class SqliteStatements implements SqlStatements<SQLiteTable> {
  constructor(private readonly db: BetterSQLite3Database) {}

  async select<Row>(table: TableOf<SQLiteTable, Row>, options: SelectOptions = {}): Promise<Row[]> {
    const query = this.db
      .select()
      .from(table)
      .where(options.where)
      .orderBy(...(options.orderBy ?? []))
      .$dynamic();
    if (options.page) query.limit(options.page.limit).offset(options.page.offset);
    return (await query) as Row[];
  }

  async count(table: SQLiteTable, where?: SQL): Promise<number> {
    return this.db.$count(table, where);
  }

  async maxOf(table: SQLiteTable, column: Column, where: SQL): Promise<number> {
    const [row] = await this.db.select({ max: sql<number | null>`max(${column})` }).from(table).where(where);
    return row?.max ?? 0;
  }

  async insert<Row>(table: TableOf<SQLiteTable, Row>, rows: Row[], onConflict?: OnConflict<Row>): Promise<void> {
    const insert = this.db.insert(table).values(rows as never);
    if (!onConflict) await insert;
    else if ('doNothing' in onConflict) await insert.onConflictDoNothing();
    // The target columns belong to `table`, a SQLite table, so they are SQLite columns.
    else await insert.onConflictDoUpdate({ target: onConflict.target as SQLiteColumn[], set: onConflict.set as never });
  }

  async update<Row>(table: TableOf<SQLiteTable, Row>, set: Partial<Row>, where: SQL): Promise<Row[]> {
    return (await this.db.update(table).set(set as never).where(where).returning()) as Row[];
  }

  async delete<Row>(table: TableOf<SQLiteTable, Row>, where: SQL): Promise<Row[]> {
    return (await this.db.delete(table).where(where).returning()) as Row[];
  }

  async lock(): Promise<void> {}
}

/**
 * better-sqlite3 runs statements synchronously on one connection, and drizzle's transaction
 * for it takes only a synchronous callback. The shared repository is asynchronous, so a
 * transaction here is BEGIN IMMEDIATE ... COMMIT around awaited statements, and every call
 * waits its turn in a queue: otherwise a second call could run its statements on the same
 * connection in the middle of the first's transaction.
 */
export class SqliteDatabase implements SqlDatabase<SQLiteTable> {
  private readonly statements: SqliteStatements;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: BetterSQLite3Database,
    private readonly closeConnection: () => void,
  ) {
    this.statements = new SqliteStatements(db);
  }

  transaction<R>(work: (statements: SqlStatements<SQLiteTable>) => Promise<R>): Promise<R> {
    return this.inTurn(async () => {
      this.db.run(sql`begin immediate`);
      try {
        const result = await work(this.statements);
        this.db.run(sql`commit`);
        return result;
      } catch (error) {
        this.db.run(sql`rollback`);
        throw error;
      }
    });
  }

  run<R>(work: (statements: SqlStatements<SQLiteTable>) => Promise<R>): Promise<R> {
    return this.inTurn(() => work(this.statements));
  }

  violation(error: unknown): ConstraintViolation | null {
    return VIOLATIONS[driverErrorCode(error) ?? ''] ?? null;
  }

  close(): Promise<void> {
    return this.inTurn(async () => this.closeConnection());
  }

  private inTurn<R>(work: () => Promise<R>): Promise<R> {
    const result = this.queue.then(work);
    // The caller gets `result`, errors included; the queue only needs to know when it settled.
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
