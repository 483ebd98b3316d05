// SqlDatabase over a Cloudflare D1 binding (drizzle-orm/d1): a statement alone, or a batch as one
// D1 `batch()` call, which D1 applies all or nothing (it has no interactive transactions).
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import type { BatchItem } from 'drizzle-orm/batch';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { type ConstraintViolation, errorChain, type ResultOf, type SqlDatabase, type Statement } from '../sql-database';
import { type AnySqliteDatabase, type SqliteStatement, sqliteDialect, sqliteStatements } from '../sqlite/sqlite-statements';

/**
 * D1 reports no error codes, only SQLite's messages (`D1_ERROR: UNIQUE constraint failed:
 * models.name: SQLITE_CONSTRAINT …`). An ON DELETE RESTRICT refusal reads as a foreign key failure.
 */
const VIOLATIONS: [RegExp, ConstraintViolation][] = [
  [/\bUNIQUE constraint failed\b/, 'unique'],
  [/\bFOREIGN KEY constraint failed\b/, 'foreign-key'],
];

export class D1SqlDatabase implements SqlDatabase<SQLiteTable> {
  readonly statements = sqliteStatements;
  readonly dialect = sqliteDialect;

  constructor(private readonly db: DrizzleD1Database) {}

  async run<R>(statement: Statement<R>): Promise<R> {
    const { build, read } = statement as SqliteStatement<R>;
    return read(await build(this.db as AnySqliteDatabase).all());
  }

  async batch<const S extends readonly Statement<unknown>[]>(statements: S): Promise<{ -readonly [K in keyof S]: ResultOf<S[K]> }> {
    const built = statements.map((statement) => (statement as SqliteStatement<unknown>).build(this.db as AnySqliteDatabase));
    // Every built query is a drizzle select, insert, update or delete: each is a batch item.
    const raw = await this.db.batch(built as unknown as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
    return statements.map((statement, i) => statement.read(raw[i])) as { -readonly [K in keyof S]: ResultOf<S[K]> };
  }

  violation(error: unknown): ConstraintViolation | null {
    for (const current of errorChain(error)) {
      const found = VIOLATIONS.find(([pattern]) => pattern.test(current.message));
      if (found) return found[1];
    }
    return null;
  }

  /** The binding belongs to the Worker's environment: nothing to close. */
  async close(): Promise<void> {}
}
