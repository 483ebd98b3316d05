// `distillery runs follow` as a child process: a run claimed and reported through the real store
// (register a node, claim, append events, complete or fail), its events read as Server-Sent Events
// with a dropped connection resumed from Last-Event-ID; the exit code says how the run ended.
// The SSE route is not on main yet: events-front.ts serves it by the contract over the same store.
// (Batch events, which only the terminal's bar shows, wait for the store to accept the kind.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewRunEvent } from '../../src/registry/ports';
import { startTestServer, type TestServer } from '../support/server';
import { addVersion, createModel } from '../api/typed-requests';
import { runCli } from './cli-process';
import { startEventsFront, type EventsFront } from './events-front';
import { registerDigits } from './fixtures';

let server: TestServer;
let nodeId: string;

const now = () => new Date().toISOString();

beforeAll(async () => {
  server = await startTestServer();
  await registerDigits(server);
  const node = await server.deps.repo.registerNode({
    id: crypto.randomUUID(), name: 'test-node', backend: 'cpu', device: 'cpu', version: '0.1.0', apiKeyId: null, capabilities: {}, createdAt: now(),
  });
  nodeId = node.id;
});
afterAll(() => server.close());

/** A queued train run of 2 epochs for `model`, claimed by the test's node. */
async function claimedRun(model: string): Promise<{ id: string; token: number }> {
  const { data, error } = await server.client.POST('/v1/runs', {
    body: { kind: 'train', dataset: { name: 'digits' }, model, architecture: 'mlp', hyperparameters: { epochs: 2 } },
  });
  if (!data) throw new Error(JSON.stringify(error));
  const claimed = await server.deps.repo.claimRun(nodeId, new Date(Date.now() + 600_000).toISOString(), now());
  if (claimed?.id !== data.id) throw new Error('the test node did not claim the run just queued');
  return { id: data.id, token: claimed.fencingToken };
}

const epochEnd = (epoch: number): NewRunEvent => ({
  kind: 'epoch', epoch, message: null, createdAt: now(),
  metrics: { epochs: 2, learningRate: 0.001, trainLoss: 0.5 / epoch, trainAccuracy: 0.25 * epoch, validationLoss: 0.6 / epoch, validationAccuracy: 0.3 * epoch, seconds: 1.5 },
});
const status = (message: string): NewRunEvent => ({ kind: 'status', epoch: null, metrics: {}, message, createdAt: now() });

async function append(run: { id: string; token: number }, events: NewRunEvent[]): Promise<number[]> {
  const ids: number[] = [];
  for (const event of events) ids.push((await server.deps.repo.appendRunEvent(run.id, run.token, event)).id);
  return ids;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('runs follow', () => {
  let front: EventsFront;
  afterAll(() => front?.close());

  it('follows a running run to success through a dropped connection, one line per epoch, and prints the result version', async () => {
    front = await startEventsFront(server, { dropFirstAfter: 2 });
    const run = await claimedRun('followed');
    const early = await append(run, [status('running'), epochEnd(1), { kind: 'log', epoch: 1, metrics: {}, message: 'checkpoint 1 stored', createdAt: now() }]);
    const follower = runCli({ baseUrl: front.baseUrl, token: server.adminKey }, ['runs', 'follow', run.id]);
    // The run finishes only once the follower has resumed: it really follows, rather than replaying a finished run.
    await until(() => front.connections.length === 2);
    await append(run, [epochEnd(2)]);
    await createModel(server, 'followed');
    const version = await addVersion(server, 'followed');
    await server.deps.repo.completeRun(run.id, run.token, { resultVersionId: version.id, result: {} }, now());

    const result = await follower;
    expect(result.code).toBe(0);
    expect(front.connections[0]).toEqual({ authorization: `Bearer ${server.adminKey}`, lastEventId: undefined });
    expect(front.connections[1]?.lastEventId).toBe(String(early[1]));
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`run ${run.id} (train) running`);
    expect(lines).toContain('status (attempt 1): running');
    expect(lines).toContain('log (attempt 1): checkpoint 1 stored');
    expect(lines.filter((line) => line.startsWith('epoch '))).toEqual([
      'epoch 1/2  train loss 0.5000 acc 0.2500  val loss 0.6000 acc 0.3000  lr 0.001  1.5s',
      'epoch 2/2  train loss 0.2500 acc 0.5000  val loss 0.3000 acc 0.6000  lr 0.001  1.5s',
    ]);
    expect(lines.some((line) => line.startsWith('connection lost'))).toBe(true);
    expect(lines.at(-1)).toBe(`succeeded: followed@1 (${version.id})`);
  });

  it('exits 1 with the error when the run failed', async () => {
    const run = await claimedRun('failing');
    await append(run, [status('running'), epochEnd(1)]);
    await server.deps.repo.failRun(run.id, run.token, { type: 'training-error', message: 'loss is NaN' }, now());
    const result = await runCli({ baseUrl: front.baseUrl, token: server.adminKey }, ['runs', 'follow', run.id]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('epoch 1/2');
    expect(result.stderr).toBe('failed: training-error: loss is NaN\n');
  });

  it('exits 1 when the run was cancelled, and prints the API problem for an unknown run', async () => {
    const { data: queued } = await server.client.POST('/v1/runs', {
      body: { kind: 'train', dataset: { name: 'digits' }, model: 'dropped', architecture: 'mlp' },
    });
    await server.client.POST('/v1/runs/{id}/cancel', { params: { path: { id: queued!.id } } });
    const cancelled = await runCli({ baseUrl: front.baseUrl, token: server.adminKey }, ['runs', 'follow', queued!.id]);
    expect(cancelled.code).toBe(1);
    expect(cancelled.stderr).toBe('cancelled\n');

    const unknown = await runCli({ baseUrl: front.baseUrl, token: server.adminKey }, ['runs', 'follow', 'no-such-run']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^distillery: 404 Not Found: /);
  });
});
