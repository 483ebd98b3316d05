// Opens a node-postgres pool on the registry's PostgreSQL database, applies pending migrations,
// and returns the Repository on it.
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { PgTable } from 'drizzle-orm/pg-core';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Repository } from '../../../ports';
import { sqlRepository } from '../sql-repository';
import { PgDatabaseAdapter } from './pg-database';
import * as schema from './schema';

const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/** Any constant of our own: API servers starting together take turns to migrate. */
const MIGRATION_LOCK_KEY = 'distillery:migrations';

export interface PostgresRepositoryOptions {
  /** Connection string, e.g. `postgres://user:password@host:5432/distillery`. */
  url: string;
  /** Most connections the pool opens; default 10. */
  maxConnections?: number;
  /**
   * Told about errors of idle pooled connections (the server restarted, the network dropped);
   * the pool has already discarded the connection. Default: written to stderr. Without a
   * listener, node-postgres would crash the process on such an error.
   */
  onIdleConnectionError?: (error: Error) => void;
}

/**
 * Connects a pool, migrates the database to the current schema (several servers starting at once
 * take turns on an advisory lock), and returns the Repository on it. Call `close()` when done.
 *
 * @example const repo = await openPostgresRepository({ url: process.env.DATABASE_URL! });
 */
export async function openPostgresRepository(options: PostgresRepositoryOptions): Promise<Repository> {
  const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 10 });
  pool.on('error', options.onIdleConnectionError ?? ((error) => console.error('PostgreSQL idle connection error:', error)));
  try {
    const db = drizzle(pool);
    await migrateUnderLock(pool);
    // Passing the schema module is where the compiler checks its tables against the records.
    return sqlRepository<PgTable>(new PgDatabaseAdapter(db, () => pool.end()), schema);
  } catch (error) {
    await pool.end();
    throw error;
  }
}

async function migrateUnderLock(pool: pg.Pool): Promise<void> {
  // A session-level lock, and the migrator on the same connection: a one-connection pool works too.
  const connection = await pool.connect();
  try {
    await connection.query('select pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle(connection), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await connection.query('select pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    connection.release();
  }
}
