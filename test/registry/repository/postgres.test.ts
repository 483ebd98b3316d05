// Runs every store's contract on the real PostgreSQL named by DATABASE_TEST_URL, skipping nothing,
// in a database of its own created for this run and dropped after; without the variable, says it
// is skipped.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresRepository } from '../../../src/registry/adapters/sql';
import { executeOnPostgres } from '../../api/postgres-test-server';
import type { StoreDriver } from './contract-suite';
import { tests } from './store-contracts';

const adminUrl = process.env.DATABASE_TEST_URL;

if (adminUrl) {
  const databaseUrl = (database: string) => {
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const freshName = () => `distillery_test_${randomUUID().replaceAll('-', '')}`;
  const database = freshName();
  const url = databaseUrl(database);

  beforeAll(() => executeOnPostgres(adminUrl, `create database ${database}`));
  afterAll(() => executeOnPostgres(adminUrl, `drop database if exists ${database} with (force)`));

  const driver: StoreDriver = {
    name: 'PostgreSQL',
    open: () => openPostgresRepository({ url }),
    executeSql: (statement) => executeOnPostgres(url, statement),
  };
  // Every store's contract; this driver skips none of them.
  tests(driver);

  describe('PostgreSQL set-up', () => {
    it('lets several servers open a new database at once: they take turns to migrate (with pools of 1 to 3)', async () => {
      const name = freshName();
      await executeOnPostgres(adminUrl, `create database ${name}`);
      try {
        const repos = await Promise.all(
          [1, 2, 3].map((maxConnections) => openPostgresRepository({ url: databaseUrl(name), maxConnections })),
        );
        expect(await Promise.all(repos.map((repo) => repo.countApiKeys()))).toEqual([0, 0, 0]);
        await Promise.all(repos.map((repo) => repo.close()));
      } finally {
        await executeOnPostgres(adminUrl, `drop database if exists ${name} with (force)`);
      }
    });
  });
} else {
  const message = 'PostgreSQL suite skipped: set DATABASE_TEST_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)';
  console.warn(message);
  describe.skip(message, () => {
    it("runs every store's contract on PostgreSQL", () => {});
  });
}
