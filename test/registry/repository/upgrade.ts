// Upgrading a database the first migration made: the hand-written part of 0001 must start the
// version counters where the stored versions and datasets already are.
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Repository } from '../../../src/registry/ports';
import type { ExecuteSql } from './contract';
import { newDataset, newVersion, T0 } from './fixtures';

export interface UpgradeHarness {
  /** Applies the migrations in `folder` to a database of the harness's own, empty so far. */
  migrate(folder: string): Promise<void>;
  execute: ExecuteSql;
  /** Opens the Repository on that database, which applies the remaining migrations. */
  open(): Promise<Repository>;
  cleanup(): Promise<void>;
}

export function upgradeFromFirstMigration(migrationsFolder: string, makeHarness: () => Promise<UpgradeHarness>): void {
  it('upgrades a database made by the first migration and numbers on from what it holds', async () => {
    const harness = await makeHarness();
    const firstOnly = await copyWithFirstMigrationOnly(migrationsFolder);
    try {
      await harness.migrate(firstOnly);
      const modelId = randomUUID();
      await harness.execute(
        `insert into models (id, name, task, input_shape, class_labels, description, tags, created_at, updated_at)
         values ('${modelId}', 'legacy', 'image-classification', '[28,28,1]', '["a","b"]', '', '{}', '${T0}', '${T0}')`,
      );
      for (const version of [1, 2]) {
        await harness.execute(
          `insert into model_versions (id, model_id, version, status, description, model_json_key, model_json_sha256,
             model_json_size, weights_key, weights_sha256, weights_size, params, metrics, tags, created_at)
           values ('${randomUUID()}', '${modelId}', ${version}, 'active', '', 'k', 's', 1, 'k', 's', 1, '{}', '{}', '{}', '${T0}')`,
        );
      }
      await harness.execute(
        `insert into datasets (id, name, version, format, source, description, shape, class_labels, splits, files, created_at)
         values ('${randomUUID()}', 'legacy', 1, 'idx', 'upload', '', '[28,28,1]', '[]', '{}', '[]', '${T0}')`,
      );

      const repo = await harness.open();
      try {
        expect((await repo.createVersion(newVersion(modelId))).version).toBe(3);
        expect((await repo.createDataset(newDataset({ name: 'legacy' }))).version).toBe(2);
      } finally {
        await repo.close();
      }
    } finally {
      await harness.cleanup();
      await rm(firstOnly, { recursive: true, force: true });
    }
  });
}

/** A copy of a drizzle-kit migrations folder whose journal lists only its first migration. */
async function copyWithFirstMigrationOnly(folder: string): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), 'distillery-migrations-'));
  await cp(folder, copy, { recursive: true });
  const journalPath = join(copy, 'meta', '_journal.json');
  const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { entries: unknown[] };
  await writeFile(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
  return copy;
}
