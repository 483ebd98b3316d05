// Two training node processes and six queued runs, on SQLite and on PostgreSQL: every run is
// claimed once (attempt 1), trained once (one epoch event and one checkpoint per epoch, all of
// attempt 1) and succeeds with one registered version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_SKIP_MESSAGE, postgresAdminUrl, startPostgresTestServer } from '../api/postgres-test-server';
import { startTestServer, type TestServer } from '../support/server';
import { createRun, issueNodeKey, registerBandDataset, runCheckpoints, runEvents, spawnNode, stopNode, waitForRun, type NodeProcess } from './support';

const RUNS = 6;
const EPOCHS = 2;

const adminUrl = postgresAdminUrl;
const databases: [string, (() => Promise<TestServer>) | null][] = [
  ['SQLite', () => startTestServer()],
  ['PostgreSQL', adminUrl ? () => startPostgresTestServer(adminUrl) : null],
];

describe.each(databases)('two node processes, six runs, on %s', (database, start) => {
  if (!start) {
    it.skip(`needs PostgreSQL: ${POSTGRES_SKIP_MESSAGE}`, () => {});
    return;
  }
  let server: TestServer;
  let nodes: NodeProcess[] = [];

  beforeAll(async () => {
    server = await start();
    await registerBandDataset(server, 'bands', 200);
    const token = await issueNodeKey(server, 'two nodes');
    nodes = ['node-a', 'node-b'].map((name) => spawnNode(server.baseUrl, token, `${database.toLowerCase()}-${name}`));
  });
  afterAll(async () => {
    await Promise.all(nodes.map(stopNode));
    await server.close();
  });

  it('executes every run exactly once, and every run succeeds', async () => {
    const queued = [];
    for (let seed = 0; seed < RUNS; seed++) {
      queued.push(
        await createRun(server, { kind: 'train', dataset: { name: 'bands' }, model: `m${seed}`, architecture: 'mlp', hyperparameters: { epochs: EPOCHS, batchSize: 32, seed } }),
      );
    }
    const finished = await Promise.all(queued.map((run) => waitForRun(server, run.id, 90_000)));
    const outputs = nodes.map((node) => node.output()).join('\n');
    for (const run of finished) {
      expect(run, `${JSON.stringify(run.error)}\n${outputs}`).toMatchObject({ status: 'succeeded', attempt: 1 });
      const epochEvents = (await runEvents(server, run.id)).filter((event) => event.kind === 'epoch');
      expect(epochEvents.map((event) => [event.epoch, event.attempt])).toEqual([[1, 1], [2, 1]]);
      const checkpoints = await runCheckpoints(server, run.id);
      expect(checkpoints.map((checkpoint) => [checkpoint.epoch, checkpoint.attempt])).toEqual([[1, 1], [2, 1]]);
      const { data } = await server.client.GET('/v1/models/{name}/versions', { params: { path: { name: run.spec.model as string } } });
      expect(data!.items.map((version) => version.sourceRunId)).toEqual([run.id]);
    }
    const { items } = (await server.fetch('/v1/nodes').then((r) => r.json())) as { items: { name: string }[] };
    expect(items.map((node) => node.name).sort()).toEqual([`${database.toLowerCase()}-node-a`, `${database.toLowerCase()}-node-b`]);
  });
});
