// Runs every store's contract on a real SQLite file (better-sqlite3), skipping nothing, and checks
// what the opener sets up on it.
import Database from 'better-sqlite3';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteRepository } from '../../../src/registry/adapters/sql';
import type { StoreDriver } from './contract-suite';
import { tests } from './store-contracts';

let folder: string;
let file: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'distillery-sqlite-'));
  file = join(folder, 'registry.db');
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Runs statements on `path` through a connection of their own, outside any repository. */
async function executeOn(path: string, statement: string): Promise<void> {
  const db = new Database(path);
  try {
    db.exec(statement);
  } finally {
    db.close();
  }
}

const driver: StoreDriver = {
  name: 'SQLite file',
  open: () => openSqliteRepository({ file }),
  executeSql: (statement) => executeOn(file, statement),
};
// Every store's contract; this driver skips none of them.
tests(driver);

describe('SQLite file set-up', () => {
  it('leaves the file in WAL mode with every migration recorded once', async () => {
    await (await openSqliteRepository({ file })).close();
    await (await openSqliteRepository({ file })).close();
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const applied = db.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
      const journal = JSON.parse(await readFile(new URL('../../../src/registry/adapters/sql/sqlite/migrations/meta/_journal.json', import.meta.url), 'utf8')) as { entries: unknown[] };
      expect(applied.n).toBe(journal.entries.length);
      const tables = db.prepare("select name from sqlite_master where type = 'table' order by name").all();
      expect(tables.map((row) => (row as { name: string }).name)).toEqual(
        expect.arrayContaining(['models', 'model_versions', 'lineage_edges', 'runs', 'run_events', 'checkpoints', 'ensembles', 'ensemble_members', 'nodes']),
      );
    } finally {
      db.close();
    }
  });
});
