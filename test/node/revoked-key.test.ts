// A node whose key is revoked (DELETE /v1/keys/{id}) stops instead of retrying forever: `distillery
// node` exits 1 saying so (also when the key is revoked before it starts), an agent in this process
// ends with key-refused after claiming nothing more, and an embedded node logs it once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeAgent, type NodeObserver } from '../../src/node/agent';
import { startTestServer, type TestServer } from '../support/server';
import { spawnNode, stopNode, type NodeProcess } from './support';

let server: TestServer;
const nodes: NodeProcess[] = [];
beforeAll(async () => {
  server = await startTestServer({ config: { embeddedNodes: 1 }, env: { DISTILLERY_BACKEND: 'cpu' } });
});
afterAll(async () => {
  await Promise.all(nodes.map(stopNode));
  await server.close();
});

async function issueKey(name: string): Promise<{ id: string; token: string }> {
  const { data, error } = await server.client.POST('/v1/keys', { body: { name, scopes: ['node'] } });
  if (!data) throw new Error(`issuing a node key: ${JSON.stringify(error)}`);
  return data;
}

async function revoke(id: string): Promise<void> {
  const { response } = await server.client.DELETE('/v1/keys/{id}', { params: { path: { id } } });
  expect(response.status).toBe(200);
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 30_000; !condition(); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const REFUSED = /refused this node's key .*401/;

describe('a revoked node key', () => {
  it('stops `distillery node` with exit code 1 and one line saying why', async () => {
    const key = await issueKey('revoked while running');
    const node = spawnNode(server.baseUrl, key.token, 'revoked-while-running');
    nodes.push(node);
    await waitFor(() => node.output().includes('waiting for runs'), 'the node to register');
    await revoke(key.id);
    expect(await node.exited).toBe(1);
    expect(node.output().match(new RegExp(REFUSED, 'g'))).toHaveLength(1);
    expect(node.output()).not.toContain('claim failed');
  });

  it('stops `distillery node` at registration when the key is revoked already', async () => {
    const key = await issueKey('revoked before start');
    await revoke(key.id);
    const node = spawnNode(server.baseUrl, key.token, 'revoked-before-start');
    nodes.push(node);
    expect(await node.exited).toBe(1);
    expect(node.output()).toMatch(REFUSED);
  });

  it('ends an agent in this process with key-refused, claiming nothing more', async () => {
    const key = await issueKey('in-process');
    const notices: string[] = [];
    const observer: NodeObserver = { runStarted() {}, runEnded() {}, batch() {}, epoch() {}, log() {}, notice: (message) => void notices.push(message) };
    const agent = await startNodeAgent({ apiUrl: server.baseUrl, token: key.token, backend: 'cpu', name: 'in-process', observer, idlePollMs: { min: 10, max: 20 } });
    await revoke(key.id);
    const end = await agent.ended;
    expect(end).toMatchObject({ reason: 'key-refused', error: { name: 'NodeKeyRefusedError', message: expect.stringMatching(REFUSED) } });
    expect(notices).toEqual([]);
    await agent.stop();
  });

  it('stops an embedded node, logged once, while the server goes on serving', async () => {
    const { data } = await server.client.GET('/v1/keys');
    const embeddedKey = data!.items.find((key) => key.name === 'embedded training nodes' && key.revokedAt === null)!;
    await revoke(embeddedKey.id);
    expect(await server.embeddedNodes[0]!.ended).toMatchObject({ reason: 'key-refused' });
    expect(server.logs.filter((line) => line.event === 'node-stopped')).toEqual([
      { level: 'error', event: 'node-stopped', fields: { node: expect.stringContaining('embedded-'), message: expect.stringMatching(REFUSED) } },
    ]);
    expect(server.logs.filter((line) => line.event === 'node')).toEqual([]);
    expect((await server.fetch('/health')).status).toBe(200);
  });
});
