// The log line of an unexpected error (here an insert a trigger aborts; on PostgreSQL drizzle reports
// it with the query and its parameters) names the error's classes, the driver's code and message, and
// never the failed query's text or parameters.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteFile } from '../../src/config';
import { startTestServer, type TestServer } from '../support/server';
import { executeOnPostgres, POSTGRES_SKIP_MESSAGE, postgresAdminUrl, startPostgresTestServer } from './postgres-test-server';

interface Backend<S extends TestServer> {
  start(): Promise<S>;
  /** Makes every insert into `models` fail with the message "models are closed". */
  refuseModels(server: S): Promise<void>;
  expected: { errorClass: string; code: string };
}

function errorLogSuite<S extends TestServer>(name: string, backend: Backend<S>): void {
  describe(`unhandled-error log on ${name}`, () => {
    let server: S;
    beforeAll(async () => {
      server = await backend.start();
    });
    afterAll(() => server.close());

    it('says what failed without the query or its parameters', async () => {
      await backend.refuseModels(server);
      const response = await server.fetch('/v1/models', {
        method: 'POST',
        headers: { 'X-Request-Id': 'failed-query-1', 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'private-model-name', task: 'secret-task', inputShape: [4], classLabels: ['a', 'b'] }),
      });
      expect(response.status).toBe(500);
      expect(((await response.json()) as { detail: string }).detail).not.toContain('secret-task');

      const line = server.logs.find((l) => l.event === 'unhandled-error' && l.fields.requestId === 'failed-query-1');
      expect(line?.fields).toMatchObject({ ...backend.expected, message: 'models are closed' });
      const logged = JSON.stringify(line?.fields);
      for (const leak of ['private-model-name', 'secret-task', 'Failed query', 'params:', 'insert into']) {
        expect(logged.toLowerCase()).not.toContain(leak.toLowerCase());
      }
      expect(line?.fields.stack).toMatch(/^\s+at /);
    });
  });
}

errorLogSuite('SQLite', {
  start: () => startTestServer(),
  refuseModels: async (server) => {
    const file = new Database(sqliteFile({ dataDir: server.dataDir }));
    try {
      file.exec(`create trigger refuse_models before insert on models begin select raise(abort, 'models are closed'); end`);
    } finally {
      file.close();
    }
  },
  expected: { errorClass: 'SqliteError', code: 'SQLITE_CONSTRAINT_TRIGGER' },
});

if (postgresAdminUrl) {
  const adminUrl = postgresAdminUrl;
  errorLogSuite('PostgreSQL', {
    start: () => startPostgresTestServer(adminUrl),
    refuseModels: async ({ databaseUrl: url }) => {
      await executeOnPostgres(url, `create function refuse_models() returns trigger language plpgsql as $$ begin raise exception 'models are closed'; end $$`);
      await executeOnPostgres(url, 'create trigger refuse_models before insert on models for each row execute function refuse_models()');
    },
    expected: { errorClass: 'DrizzleQueryError <- DatabaseError', code: 'P0001' },
  });
} else {
  const message = `unhandled-error log on PostgreSQL skipped: ${POSTGRES_SKIP_MESSAGE}`;
  console.warn(message);
  describe.skip(message, () => {
    it('logs a failed PostgreSQL query without its parameters', () => {});
  });
}
