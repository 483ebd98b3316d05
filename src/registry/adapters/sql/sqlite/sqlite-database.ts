// SqlDatabase over better-sqlite3: statements run synchronously, a batch between BEGIN IMMEDIATE
// and COMMIT with nothing awaited in between.
import { sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { ConstraintViolation, ResultOf, SqlDatabase, Statement } from '../sql-database';
import { driverErrorCode } from '../sql-database';
import { type AnySqliteDatabase, type SqliteStatement, sqliteDialect, sqliteStatements } from './sqlite-statements';

const VIOLATIONS: Record<string, ConstraintViolation> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign-key',
  // What SQLite reports when an ON DELETE RESTRICT action refuses (our schema has no triggers).
  SQLITE_CONSTRAINT_TRIGGER: 'foreign-key',
};

/**
 * better-sqlite3 runs each statement synchronously, so a batch runs start to finish without
 * yielding: no other call on this connection can slip in between its statements, and no other
 * connection of this process can hold SQLite's write lock across an await (none does), so
 * BEGIN IMMEDIATE only ever waits for other processes (busy_timeout).
 */
export class SqliteDatabase implements SqlDatabase<SQLiteTable> {
  readonly statements = sqliteStatements;
  readonly dialect = sqliteDialect;
  private readonly db: AnySqliteDatabase;

  constructor(
    db: BetterSQLite3Database,
    private readonly connection: Database.Database,
  ) {
    this.db = db as AnySqliteDatabase;
  }

  async run<R>(statement: Statement<R>): Promise<R> {
    return this.execute(statement);
  }

  async batch<const S extends readonly Statement<unknown>[]>(statements: S): Promise<{ -readonly [K in keyof S]: ResultOf<S[K]> }> {
    this.db.run(sql`begin immediate`);
    try {
      const results = statements.map((statement) => this.execute(statement));
      this.db.run(sql`commit`);
      return results as { -readonly [K in keyof S]: ResultOf<S[K]> };
    } catch (error) {
      // SQLite rolls back by itself after some errors (disk full, out of memory); rolling back
      // again would throw and hide the error that matters.
      if (this.connection.inTransaction) this.db.run(sql`rollback`);
      throw error;
    }
  }

  violation(error: unknown): ConstraintViolation | null {
    return VIOLATIONS[driverErrorCode(error) ?? ''] ?? null;
  }

  async close(): Promise<void> {
    this.connection.close();
  }

  private execute<R>(statement: Statement<R>): R {
    const { build, read } = statement as SqliteStatement<R>;
    return read(build(this.db).all());
  }
}
