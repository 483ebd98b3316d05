// Test support: a run held by a node, set up through the server's repository (node registration and
// claiming have their own routes elsewhere), with the node's API key issued over HTTP.
import type { JsonObject, RunRecord } from '../../src/registry/records';
import type { TestServer } from './server';

export interface NodeKey {
  id: string;
  token: string;
  nodeId: string;
}

/** A `node`-scoped key and a node registered with it. */
export async function registerNodeKey(server: TestServer, name: string): Promise<NodeKey> {
  const { data } = await server.client.POST('/v1/keys', { body: { name, scopes: ['node'] } });
  if (!data) throw new Error('could not issue a node key');
  const node = await server.deps.repo.registerNode({
    id: crypto.randomUUID(),
    name,
    backend: 'cpu',
    device: 'cpu',
    version: 'test',
    apiKeyId: data.id,
    capabilities: {},
    createdAt: new Date().toISOString(),
  });
  return { id: data.id, token: data.token, nodeId: node.id };
}

/** Queues a train run and lets `node` claim it (whatever else is queued goes first). */
export async function heldRun(server: TestServer, node: NodeKey, spec: JsonObject = {}): Promise<RunRecord> {
  const { repo } = server.deps;
  const now = new Date();
  const { run } = await repo.enqueueRun({ id: crypto.randomUUID(), kind: 'train', spec, model: null, maxAttempts: 3, createdByKeyId: null, idempotencyKey: null, createdAt: now.toISOString() });
  for (;;) {
    const claimed = await repo.claimRun(node.nodeId, new Date(now.getTime() + 600_000).toISOString(), now.toISOString());
    if (!claimed) throw new Error(`run ${run.id} was not claimed`);
    if (claimed.id === run.id) return claimed;
  }
}
