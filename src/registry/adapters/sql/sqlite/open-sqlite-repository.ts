// Opens the registry's SQLite database file with better-sqlite3, applies pending migrations, and
// returns the Repository on it.
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { fileURLToPath } from 'node:url';
import type { Repository } from '../../../ports';
import { sqlRepository } from '../sql-repository';
import * as schema from './schema';
import { SqliteDatabase } from './sqlite-database';

const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

export interface SqliteRepositoryOptions {
  /** Path of the database file, created when absent (`:memory:` for a throwaway database). */
  file: string;
  /** How long a statement waits for another process's write lock before failing; default 5 s. */
  busyTimeoutMs?: number;
}

/**
 * Opens (or creates) the SQLite file in WAL mode with foreign keys enforced, migrates it to the
 * current schema, and returns the Repository on it. Call `close()` when done.
 *
 * @example const repo = await openSqliteRepository({ file: './data/distillery.db' });
 */
export async function openSqliteRepository(options: SqliteRepositoryOptions): Promise<Repository> {
  const client = new Database(options.file);
  try {
    client.pragma('journal_mode = WAL');
    client.pragma('foreign_keys = ON');
    client.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    const db = drizzle(client);
    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    // Passing the schema module is where the compiler checks its tables against the records.
    return sqlRepository<SQLiteTable>(new SqliteDatabase(db, client), schema);
  } catch (error) {
    client.close();
    throw error;
  }
}
