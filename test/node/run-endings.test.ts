// How runs end on a node other than by success: a run the engine refuses is failed with the error's
// type and message; a running run asked to cancel stops at its next batch and its node confirms it;
// a node process stopped with SIGTERM mid-run exits cleanly and writes nothing more for the run,
// leaving it to its lease (its next attempt resumes from the latest checkpoint).
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';
import { createRun, getRun, issueNodeKey, registerBandDataset, runEvents, spawnNode, stopNode, waitForRun, type CreateRun, type NodeProcess } from './support';

const LONG_RUN: CreateRun = { kind: 'train', dataset: { name: 'bands' }, model: 'long', architecture: 'mlp', hyperparameters: { epochs: 200, batchSize: 16 } };
const LEASES = { leaseSeconds: 3, heartbeatSeconds: 1 };

const servers: TestServer[] = [];
const nodes: NodeProcess[] = [];
afterAll(async () => {
  await Promise.all(nodes.map(stopNode));
  await Promise.all(servers.map((server) => server.close()));
});

async function serverWithDataset(embeddedNodes: number): Promise<TestServer> {
  const server = await startTestServer({ config: { ...LEASES, embeddedNodes }, env: { DISTILLERY_BACKEND: 'cpu' } });
  servers.push(server);
  await registerBandDataset(server, 'bands');
  return server;
}

/** Waits until the run has reported a first epoch: it is training, not downloading. */
const trainedAnEpoch = (server: TestServer, id: string) => waitForRun(server, id, 60_000, (run) => (run.progress?.epoch ?? 0) >= 1 && run.status === 'running');

describe('failure, cancel and stop', () => {
  it('a run the engine refuses is failed with the error type and message, and the node takes the next run', async () => {
    const server = await serverWithDataset(1);
    // Five examples leave nothing for a 10 % validation split: the engine refuses the run.
    await registerBandDataset(server, 'five', 5);
    const doomed = await createRun(server, { ...LONG_RUN, dataset: { name: 'five' }, model: 'five' });
    const next = await createRun(server, { ...LONG_RUN, hyperparameters: { epochs: 1 }, model: 'next' });
    const failed = await waitForRun(server, doomed.id);
    expect(failed).toMatchObject({ status: 'failed', attempt: 1, error: { type: 'incompatible-data', message: expect.stringContaining('too few') } });
    expect((await waitForRun(server, next.id)).status).toBe('succeeded');
  });

  it('a cancel reaches the running run by heartbeat; the node stops it and confirms', async () => {
    const server = await serverWithDataset(1);
    const run = await createRun(server, LONG_RUN);
    await trainedAnEpoch(server, run.id);
    const { response } = await server.client.POST('/v1/runs/{id}/cancel', { params: { path: { id: run.id } } });
    expect(response.status).toBe(200);
    const cancelled = await waitForRun(server, run.id, 30_000);
    expect(cancelled).toMatchObject({ status: 'cancelled', attempt: 1, resultVersionId: null });
    expect(server.embeddedNodes[0]!.currentRunIds()).toEqual([]);
  });

  it('SIGTERM stops the node mid-run: it exits 0 and leaves the run running under its lease, unreported', async () => {
    const server = await serverWithDataset(0);
    const node = spawnNode(server.baseUrl, await issueNodeKey(server, 'stopped'), 'stopped');
    nodes.push(node);
    const run = await createRun(server, LONG_RUN);
    await trainedAnEpoch(server, run.id);
    node.child.kill('SIGTERM');
    expect(await node.exited).toBe(0);
    const eventsAtExit = await runEvents(server, run.id);
    expect(await getRun(server, run.id)).toMatchObject({ status: 'running', attempt: 1, error: null });
    expect(node.output()).toContain('left to lease expiry');
    expect(await runEvents(server, run.id)).toEqual(eventsAtExit);
  });
});
