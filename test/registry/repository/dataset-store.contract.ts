// The DatasetStore contract: every SQL driver must pass it.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { ConflictError } from '../../../src/registry/errors';
import { type ContractOptions, describeContract, type StoreDriver } from './contract-suite';
import { newDataset } from './fixtures';

export function tests(driver: StoreDriver, options: ContractOptions = {}): void {
  describeContract('DatasetStore', driver, options, (test, repo) => {
    const { open } = driver;

    test('allocates versions per name and reads them back whole', async () => {
      const name = `cifar-${randomUUID().slice(0, 8)}`;
      const first = await repo.createDataset(newDataset({ name }));
      const second = await repo.createDataset(newDataset({ name, description: 'reshuffled' }));
      const other = await repo.createDataset(newDataset());
      expect([first.version, second.version, other.version]).toEqual([1, 2, 1]);

      expect(await repo.getDataset(name, 1)).toEqual(first);
      expect(await repo.getDataset(name, 2)).toEqual(second);
      expect(await repo.getDataset(name, 3)).toBeNull();
      expect(await repo.getLatestDataset(name)).toEqual(second);
      expect(await repo.getLatestDataset(`absent-${randomUUID()}`)).toBeNull();
    });

    test('lists datasets with the total count', async () => {
      const before = await repo.listDatasets({ limit: 1, offset: 0 });
      const created = await repo.createDataset(newDataset());
      const all = await repo.listDatasets({ limit: 10_000, offset: 0 });
      expect(all.total).toBe(before.total + 1);
      expect(all.items).toHaveLength(all.total);
      expect(all.items).toContainEqual(created);
      expect((await repo.listDatasets({ limit: 1, offset: 1 })).items).toEqual(all.items.slice(1, 2));
    });

    test('refuses a second dataset with the same id, using up no version of its name', async () => {
      const dataset = newDataset();
      await repo.createDataset(dataset);
      const name = `${dataset.name}-2`;
      await expect(repo.createDataset({ ...dataset, name })).rejects.toBeInstanceOf(ConflictError);
      expect(await repo.getLatestDataset(name)).toBeNull();
      expect((await repo.createDataset(newDataset({ name }))).version).toBe(1);
    });

    test('gives concurrent creators of one dataset name distinct versions', async () => {
      const other = await open();
      try {
        const name = `race-${randomUUID().slice(0, 8)}`;
        const creations = Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? repo : other).createDataset(newDataset({ name })));
        const versions = (await Promise.all(creations)).map((dataset) => dataset.version);
        expect([...versions].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
      } finally {
        await other.close();
      }
    });
  });
}
