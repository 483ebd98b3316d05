// A D1 database in Miniflare (workerd, offline) with the registry's SQLite migrations applied as
// wrangler applies them: every migration of the journal in order, each split into its statements.
import { readFile } from 'node:fs/promises';
import { Miniflare } from 'miniflare';
import type { D1Database } from '@cloudflare/workers-types';

const MIGRATIONS_FOLDER = new URL('../../src/registry/adapters/sql/sqlite/migrations/', import.meta.url);

/** drizzle-kit separates the statements of one migration file with this marker. */
const STATEMENT_BREAKPOINT = '--> statement-breakpoint';

export interface StartedD1 {
  d1: D1Database;
  /** Stops the Miniflare instance (and with it the database, which lives in memory). */
  dispose: () => Promise<void>;
}

/**
 * Starts Miniflare with one D1 binding (`DB`) and migrates it to the registry's current schema.
 *
 * @example const { d1, dispose } = await startD1(); const repo = openD1Repository(d1);
 */
export async function startD1(): Promise<StartedD1> {
  const mf = new Miniflare({ modules: true, script: 'export default {}', d1Databases: ['DB'] });
  try {
    const d1 = (await mf.getD1Database('DB')) as unknown as D1Database;
    await applyMigrations(d1);
    return { d1, dispose: () => mf.dispose() };
  } catch (error) {
    await mf.dispose();
    throw error;
  }
}

async function applyMigrations(d1: D1Database): Promise<void> {
  const journal = JSON.parse(await readFile(new URL('meta/_journal.json', MIGRATIONS_FOLDER), 'utf8')) as {
    entries: { idx: number; tag: string }[];
  };
  for (const entry of [...journal.entries].sort((a, b) => a.idx - b.idx)) {
    const text = await readFile(new URL(`${entry.tag}.sql`, MIGRATIONS_FOLDER), 'utf8');
    const statements = text
      .split(STATEMENT_BREAKPOINT)
      .map((statement) => statement.trim())
      .filter((statement) => statement.length > 0);
    // One batch per migration: it applies whole or not at all.
    await d1.batch(statements.map((statement) => d1.prepare(statement)));
  }
}
