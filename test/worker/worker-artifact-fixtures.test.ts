// Every artifact fixture uploaded over HTTP to the Worker on workerd (tensor-free inspector, D1, R2) and to
// the Node server (tfjs inspector, SQLite, local folder): the same status and the same answer from both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDistilleryClient, uploadVersion, versionUploadForm, type DistilleryClient } from '../../openapi/client';
import { ARTIFACT_FIXTURES, type ArtifactFixture } from '../support/artifact-fixtures';
import { startTestServer, type TestServer } from '../support/server';
import { buildWorkerBundle, type WorkerBundle } from './worker-bundle';
import { migratedLocalState, startWorkerd, type WorkerdWorker } from './workerd-worker';

const ADMIN_KEY = 'dk_fixtureadmin_0123456789abcdefXYZ';

let bundle: WorkerBundle;
let state: Awaited<ReturnType<typeof migratedLocalState>>;
let worker: WorkerdWorker;
let node: TestServer;
let clients: { worker: DistilleryClient; node: DistilleryClient };

beforeAll(async () => {
  [bundle, state, node] = await Promise.all([buildWorkerBundle(), migratedLocalState(), startTestServer()]);
  worker = await startWorkerd(bundle.scriptPath, state.folder, { DISTILLERY_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'error' });
  clients = { worker: createDistilleryClient(worker.url, ADMIN_KEY), node: node.client };
}, 120_000);
afterAll(async () => {
  await Promise.all([worker?.dispose(), node?.close()]);
  await Promise.all([state?.dispose(), bundle?.dispose()]);
});

/**
 * Fixtures whose answers differ in wording only, with why. The registry should word these
 * messages itself; until it does, status, type and the field named must still agree.
 */
const WORDING_DIFFERS: Record<string, string> = {
  'model.json that is not JSON':
    "the detail quotes the engine's JSON.parse message, and workerd's V8 adds \"(line 1 column 27)\" to what Node 20's says",
};

/** Drops the messages from a problem body, for the fixtures of WORDING_DIFFERS. */
function withoutWording({ detail: _detail, errors, ...rest }: Record<string, unknown>): Record<string, unknown> {
  return { ...rest, errors: (errors as { message: string }[]).map(({ message: _message, ...field }) => field) };
}

/** A model an accepted fixture fits (its input shape, one class per output); refused ones get a small dense model's. */
function modelFor(fixture: ArtifactFixture, name: string) {
  const accepted = 'accepted' in fixture.outcome ? fixture.outcome.accepted : null;
  const fixedShape = accepted?.inputShape.every((size): size is number => size !== null) ? (accepted.inputShape as number[]) : [4];
  const classes = accepted?.outputUnits ?? 3;
  return { name, task: 'classification', inputShape: fixedShape, classLabels: Array.from({ length: classes }, (_, i) => `c${i}`) };
}

/** What an upload answered, without what differs between any two registries (ids, times, request ids). */
async function uploadTo(client: DistilleryClient, fixture: ArtifactFixture, name: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const created = await client.POST('/v1/models', { body: modelFor(fixture, name) });
  if (!created.data) throw new Error(`creating ${name}: ${created.response.status} ${JSON.stringify(created.error)}`);
  const files = await fixture.files();
  const { data, error, response } = await uploadVersion(client, name, versionUploadForm(files.modelJson, files.weightFiles));
  const { id: _id, createdAt: _created, requestId: _request, ...body } = (data ?? error) as Record<string, unknown>;
  return { status: response.status, body };
}

describe.each(ARTIFACT_FIXTURES.map((fixture, index) => ({ ...fixture, index })))('$name', (fixture) => {
  it('gets the answer from the Worker that it gets from the Node server', { timeout: 120_000 }, async () => {
    const name = `fixture-${fixture.index}`;
    const [onWorker, onNode] = [await uploadTo(clients.worker, fixture, name), await uploadTo(clients.node, fixture, name)];
    if (fixture.name in WORDING_DIFFERS) {
      expect({ ...onWorker, body: withoutWording(onWorker.body) }).toEqual({ ...onNode, body: withoutWording(onNode.body) });
      if ('refused' in fixture.outcome) expect(onNode.body.detail).toMatch(fixture.outcome.refused.message);
    } else {
      expect(onWorker).toEqual(onNode);
    }
    if ('accepted' in fixture.outcome) {
      expect(onWorker.status).toBe(201);
    } else {
      expect(onWorker.status).toBe(fixture.outcome.refused.status);
      expect(onWorker.body.type).toBe(`https://distillery.dev/problems/${fixture.outcome.refused.type}`);
      expect(onWorker.body.detail).toMatch(fixture.outcome.refused.message);
    }
  });
});
