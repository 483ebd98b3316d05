// The DatasetStore port on SQL, for every dialect: versions numbered per name by a counter bumped
// in the same batch as the insert.
import { asc, desc, eq, type Table } from 'drizzle-orm';
import { ConflictError } from '../../errors';
import type { DatasetStore, NewDataset } from '../../ports';
import type { DatasetRecord } from '../../records';
import type { RegistryTables } from './rows';
import type { SqlDatabase } from './sql-database';
import { allOf, first, mapViolations } from './sql-store-helpers';
import { bumpVersionCounter, currentVersion } from './version-counter';

export function sqlDatasetStore<T extends Table>(db: SqlDatabase<T>, t: RegistryTables<T>): DatasetStore {
  const s = db.statements;
  const { datasets, versionCounters } = t;
  return {
    async createDataset(dataset: NewDataset): Promise<DatasetRecord> {
      const subject = `dataset:${dataset.name}`;
      const work = db.batch([
        bumpVersionCounter(s, versionCounters, subject),
        s.insert(datasets, [{ ...dataset, version: currentVersion(versionCounters, subject) }]),
      ]);
      const [, [created]] = await mapViolations(db, work, {
        unique: () => new ConflictError(`dataset ${dataset.id}: its id or its version is taken already`, { id: dataset.id }),
      });
      if (!created) throw new Error(`dataset ${dataset.id}: the insert returned no row`);
      return created;
    },

    async getDataset(name: string, version: number): Promise<DatasetRecord | null> {
      return first(await db.run(s.select(datasets, { where: allOf(eq(datasets.name, name), eq(datasets.version, version)) })));
    },

    async getLatestDataset(name: string): Promise<DatasetRecord | null> {
      const options = { where: eq(datasets.name, name), orderBy: [desc(datasets.version)], page: { limit: 1, offset: 0 } };
      return first(await db.run(s.select(datasets, options)));
    },

    async listDatasets(page): Promise<{ items: DatasetRecord[]; total: number }> {
      const [items, total] = await Promise.all([
        db.run(s.select(datasets, { orderBy: [asc(datasets.name), desc(datasets.version)], page })),
        db.run(s.count(datasets)),
      ]);
      return { items, total };
    },
  };
}
