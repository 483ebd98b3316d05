// Test support for API suites that also run on PostgreSQL (DATABASE_TEST_URL): the real server on a
// database of its own, created for it and dropped when it closes.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { startTestServer, type TestServer, type TestServerOptions } from '../support/server';

/** The admin connection URL the PostgreSQL suites need, or undefined (they are then skipped). */
export const postgresAdminUrl = process.env.DATABASE_TEST_URL;

export const POSTGRES_SKIP_MESSAGE = 'set DATABASE_TEST_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run it';

/** Runs one statement on the database `connectionString` names, on a connection of its own. */
export async function executeOnPostgres(connectionString: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** The test server, and the URL of its own database (for tests that change it behind the API's back). */
export type PostgresTestServer = TestServer & { databaseUrl: string };

export async function startPostgresTestServer(adminUrl: string, options: TestServerOptions = {}): Promise<PostgresTestServer> {
  const database = `distillery_api_${randomUUID().replaceAll('-', '')}`;
  await executeOnPostgres(adminUrl, `create database ${database}`);
  const drop = () => executeOnPostgres(adminUrl, `drop database if exists ${database} with (force)`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  try {
    const server = await startTestServer({ ...options, config: { ...options.config, databaseUrl: url.toString() } });
    return {
      ...server,
      databaseUrl: url.toString(),
      close: async () => {
        await server.close();
        await drop();
      },
    };
  } catch (error) {
    await drop();
    throw error;
  }
}
