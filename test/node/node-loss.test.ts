// Node loss: a node process killed with SIGKILL after its first checkpoint is recorded; once the
// short lease has expired another node resumes the run from the stored checkpoint (attempt 2, its
// first epoch after the checkpoint's), the result is registered once, and a late write with the
// dead attempt's fencing token is refused with 409 stale-lease.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';
import { createRun, issueNodeKey, registerBandDataset, runCheckpoints, runEvents, spawnNode, stopNode, waitForRun, type NodeProcess } from './support';

const EPOCHS = 5;
let server: TestServer;
let token: string;
const nodes: NodeProcess[] = [];

beforeAll(async () => {
  server = await startTestServer({ config: { leaseSeconds: 2, heartbeatSeconds: 1 } });
  await registerBandDataset(server, 'bands', 600);
  token = await issueNodeKey(server, 'lost and found');
});
afterAll(async () => {
  await Promise.all(nodes.map(stopNode));
  await server.close();
});

const checkpoints = (runId: string) => runCheckpoints(server, runId);

describe('a node killed mid-run', () => {
  it('is replaced by another that resumes from the stored checkpoint; the dead attempt can no longer write', async () => {
    const doomed = spawnNode(server.baseUrl, token, 'doomed');
    nodes.push(doomed);
    const run = await createRun(server, {
      kind: 'train',
      dataset: { name: 'bands' },
      model: 'survivor',
      architecture: 'mlp',
      hyperparameters: { epochs: EPOCHS, batchSize: 16, seed: 5 },
    });
    const firstAttempt = await waitForRun(server, run.id, 30_000, (r) => r.status === 'running');
    // The test reads the dead attempt's fencing token from the store: no client route shows it.
    const deadToken = (await server.deps.repo.getRun(run.id))!.fencingToken;
    const deadline = Date.now() + 30_000;
    while ((await checkpoints(run.id)).length === 0) {
      if (Date.now() > deadline) throw new Error(`no checkpoint recorded: ${doomed.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const beforeKill = await checkpoints(run.id);
    expect(firstAttempt.attempt).toBe(1);
    expect(beforeKill.every((checkpoint) => checkpoint.attempt === 1)).toBe(true);
    const resumedAfter = Math.max(...beforeKill.map((checkpoint) => checkpoint.epoch));
    expect(resumedAfter).toBeLessThan(EPOCHS);

    const rescuer = spawnNode(server.baseUrl, token, 'rescuer');
    nodes.push(rescuer);
    const finished = await waitForRun(server, run.id, 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\nrescuer: ${rescuer.output()}`);
    });
    expect(finished, `${JSON.stringify(finished.error)}\n${rescuer.output()}`).toMatchObject({ status: 'succeeded', attempt: 2 });

    const secondEpochs = (await runEvents(server, run.id)).filter((event) => event.kind === 'epoch' && event.attempt === 2).map((event) => event.epoch);
    expect(secondEpochs[0]).toBeGreaterThan(1);
    expect(secondEpochs[0]).toBeGreaterThanOrEqual(resumedAfter + 1);
    expect(secondEpochs.at(-1)).toBe(EPOCHS);

    const { data } = await server.client.GET('/v1/models/{name}/versions', { params: { path: { name: 'survivor' } } });
    expect(data!.items.map((version) => version.sourceRunId)).toEqual([run.id]);

    const late = await server.fetch(`/v1/runs/${run.id}/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ fencingToken: deadToken, events: [{ kind: 'log', message: 'back from the dead' }] }),
    }, token);
    expect(late.status).toBe(409);
    expect(((await late.json()) as { type: string }).type).toMatch(/stale-lease$/);
  });
});
