// The server on the native path: with the oneDNN addon built, `auto` gives the inference workers
// and the embedded node 'wasm+onednn', /health and GET /v1/nodes say so with the library and the
// threads, and a run trains on it over real HTTP.
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';
import { reportedBackends, trainOnEmbeddedNode } from './backend-report';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: { embeddedNodes: 1 }, env: {} });
});
afterAll(() => server.close());

describe('a server where the oneDNN addon is built', () => {
  it('reports wasm+onednn on /health and GET /v1/nodes, each engine on its share of the cores', async () => {
    const { serving, node } = await reportedBackends(server);
    // One inference worker and one embedded node, each its own engine: each gets every core.
    expect(serving).toMatchObject({ name: 'wasm+onednn', device: 'cpu', threads: availableParallelism() });
    expect(serving.details).toMatch(/^oneDNN 2\.6\.3 /);
    expect(node.backend).toBe('wasm+onednn');
    expect(node.capabilities).toMatchObject({ threads: availableParallelism(), package: expect.stringContaining('native/distillery_onednn') });
  });

  it('trains a run on the native kernels', async () => {
    const run = await trainOnEmbeddedNode(server);
    expect(run, JSON.stringify(run.error)).toMatchObject({ status: 'succeeded' });
  });
});
