// Runs the Repository contract on the real PostgreSQL named by DATABASE_TEST_URL, in a database
// of its own created for this run and dropped after; without the variable, says it is skipped.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openPostgresRepository } from '../../../src/registry/adapters/sql';
import { repositoryContract } from './contract';

const adminUrl = process.env.DATABASE_TEST_URL;

if (adminUrl) {
  const database = `distillery_test_${randomUUID().replaceAll('-', '')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;

  const execute = async (connectionString: string, statement: string) => {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  beforeAll(() => execute(adminUrl, `create database ${database}`));
  afterAll(() => execute(adminUrl, `drop database if exists ${database} with (force)`));

  repositoryContract(
    'PostgreSQL',
    () => openPostgresRepository({ url: url.toString() }),
    (statement) => execute(url.toString(), statement),
  );
} else {
  const message = 'PostgreSQL suite skipped: set DATABASE_TEST_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)';
  console.warn(message);
  describe.skip(message, () => {
    it('runs the Repository contract on PostgreSQL', () => {});
  });
}
