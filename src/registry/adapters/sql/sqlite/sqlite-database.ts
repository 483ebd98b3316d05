// SqlDatabase over better-sqlite3: one connection, transactions queued so they never interleave.
import { type SQL, sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { ConstraintViolation, OnConflict, SelectOptions, SqlDatabase, SqlStatements, TableOf } from '../sql-database';
import { driverErrorCode } from '../sql-database';

const VIOLATIONS: Record<string, ConstraintViolation> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign-key',
  // What SQLite reports when an ON DELETE RESTRICT action refuses (our schema has no triggers).
  SQLITE_CONSTRAINT_TRIGGER: 'foreign-key',
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

  async insert<Row>(table: TableOf<SQLiteTable, Row>, rows: Row[], onConflict?: OnConflict<Row>): Promise<Row[]> {
    const insert = this.db.insert(table).values(rows as never);
    if (!onConflict) return (await insert.returning()) as Row[];
    if ('doNothing' in onConflict) return (await insert.onConflictDoNothing().returning()) as Row[];
    // The target columns belong to `table`, a SQLite table, so they are SQLite columns.
    const upsert = insert.onConflictDoUpdate({ target: onConflict.target as SQLiteColumn[], set: onConflict.set as never });
    return (await upsert.returning()) as Row[];
  }

  async update<Row>(table: TableOf<SQLiteTable, Row>, set: Partial<Row>, where: SQL): Promise<Row[]> {
    return (await this.db.update(table).set(set as never).where(where).returning()) as Row[];
  }

  async delete<Row>(table: TableOf<SQLiteTable, Row>, where: SQL): Promise<Row[]> {
    return (await this.db.delete(table).where(where).returning()) as Row[];
  }
}

/** Runs asynchronous work one piece at a time, in the order it was asked for. */
export class TurnQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<R>(work: () => Promise<R>): Promise<R> {
    const result = this.tail.then(work);
    // The caller gets `result`, errors included; the queue only needs to know when it settled.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/**
 * better-sqlite3 runs statements synchronously, and drizzle's transaction for it takes only a
 * synchronous callback. The shared repository is asynchronous, so a transaction here is
 * BEGIN IMMEDIATE ... COMMIT around awaited statements, and every call waits its turn in a
 * queue shared by all connections of this process to the file: otherwise a second call could
 * run its statements in the middle of the first's transaction (same connection), or block this
 * thread in SQLite's busy wait for a lock that only this thread can release (another connection).
 */
export class SqliteDatabase implements SqlDatabase<SQLiteTable> {
  private readonly statements: SqliteStatements;

  constructor(
    private readonly db: BetterSQLite3Database,
    private readonly connection: Database.Database,
    private readonly turns: TurnQueue,
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
        // SQLite rolls back by itself after some errors (disk full, out of memory); rolling back
        // again would throw and hide the error that matters.
        if (this.connection.inTransaction) this.db.run(sql`rollback`);
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
    return this.inTurn(async () => {
      this.connection.close();
    });
  }

  private inTurn<R>(work: () => Promise<R>): Promise<R> {
    return this.turns.run(work);
  }
}
