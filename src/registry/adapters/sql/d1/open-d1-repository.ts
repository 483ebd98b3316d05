// The Repository on a Cloudflare D1 binding. It does not migrate: wrangler applies the SQLite
// migrations folder (`migrations_dir` in wrangler.toml) with `wrangler d1 migrations apply`.
import { type AnyD1Database, drizzle } from 'drizzle-orm/d1';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Repository } from '../../../ports';
import { sqlRepository } from '../sql-repository';
import * as schema from '../sqlite/schema';
import { D1SqlDatabase } from './d1-database';

/**
 * The part of a D1 binding the adapter relies on, so that src/ needs no Workers globals: Workers'
 * `D1Database` (from @cloudflare/workers-types) and Miniflare's both have it.
 */
export interface D1DatabaseBinding {
  prepare(query: string): unknown;
  batch(statements: unknown[]): Promise<unknown[]>;
}

/**
 * The Repository on `d1`, a D1 binding already migrated to the current schema.
 *
 * @example const repo = openD1Repository(env.DB);
 */
export function openD1Repository(d1: D1DatabaseBinding): Repository {
  // Passing the schema module is where the compiler checks its tables against the records.
  return sqlRepository<SQLiteTable>(new D1SqlDatabase(drizzle(d1 as AnyD1Database)), schema);
}
