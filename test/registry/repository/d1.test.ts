// Runs every store's contract on Cloudflare D1 in Miniflare (workerd, offline), skipping nothing, and
// checks how D1 reports constraint failures.
import { drizzle } from 'drizzle-orm/d1';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D1SqlDatabase } from '../../../src/registry/adapters/sql/d1/d1-database';
import { openD1Repository } from '../../../src/registry/adapters/sql/d1/open-d1-repository';
import { type StartedD1, startD1 } from '../../support/d1';
import type { StoreDriver } from './contract-suite';
import { tests } from './store-contracts';

let started: StartedD1;
beforeAll(async () => {
  started = await startD1();
});
afterAll(async () => {
  await started?.dispose();
});

const driver: StoreDriver = {
  name: 'D1',
  // One binding, several repositories: D1 has no connections, and runs one batch at a time.
  open: async () => openD1Repository(started.d1),
  executeSql: async (statement) => {
    await started.d1.prepare(statement).run();
  },
};
// Every store's contract; this driver skips none of them.
tests(driver);

describe('D1 set-up', () => {
  it('enforces foreign keys, and its constraint messages map to the violations the stores expect', async () => {
    const { d1 } = started;
    expect((await d1.prepare('pragma foreign_keys').first()) as { foreign_keys: number }).toEqual({ foreign_keys: 1 });
    const database = new D1SqlDatabase(drizzle(d1));
    const failure = (statement: string) => d1.prepare(statement).run().then(() => null, (error: unknown) => error);
    const orphanAlias = await failure(`insert into aliases (model_id, alias, version_id, updated_at) values ('${randomUUID()}', 'a', '${randomUUID()}', 't')`);
    expect(database.violation(orphanAlias)).toBe('foreign-key');
    const id = randomUUID();
    const model = (modelId: string, name: string) =>
      `insert into models (id, name, task, input_shape, class_labels, description, tags, created_at, updated_at)
       values ('${modelId}', '${name}', 't', '[]', '[]', '', '{}', 't', 't')`;
    expect(await failure(model(id, `m-${id}`))).toBeNull();
    expect(database.violation(await failure(model(randomUUID(), `m-${id}`)))).toBe('unique');
    expect(database.violation(await failure(model(id, `other-${id}`)))).toBe('unique');
    expect(database.violation(await failure('select * from no_such_table'))).toBeNull();
  });
});
