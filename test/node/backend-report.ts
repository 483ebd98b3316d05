// Test support: what a running server reports it computes on (/health, GET /v1/nodes), and one
// real training run on its embedded node.
import { expect } from 'vitest';
import type { TestServer } from '../support/server';
import { createRun, registerBandDataset, waitForRun } from './support';

export interface ReportedBackends {
  /** /health's `serving`: the inference workers' backend. */
  serving: { name: string; device: string; threads: number; details: string };
  /** The embedded node as GET /v1/nodes lists it. */
  node: { backend: string; capabilities: { threads: number; details: string; package: string } };
}

/** Polls /health until the inference worker has started (it starts with the server, in the background). */
export async function reportedBackends(server: TestServer): Promise<ReportedBackends> {
  let serving: ReportedBackends['serving'] | null = null;
  for (const deadline = Date.now() + 60_000; serving === null; ) {
    if (Date.now() > deadline) throw new Error('/health never reported the serving backend');
    const health = (await (await fetch(`${server.baseUrl}/health`)).json()) as { status: string; serving: ReportedBackends['serving'] | null };
    expect(health.status).toBe('ok');
    serving = health.serving;
    if (serving === null) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { items } = (await (await server.fetch('/v1/nodes')).json()) as { items: Array<ReportedBackends['node'] & { id: string }> };
  const node = items.find((item) => item.id === server.embeddedNodes[0]!.node.id);
  if (!node) throw new Error('the embedded node is not listed');
  return { serving, node };
}

/** Registers a small dataset and trains a cnn-small teacher on the embedded node; returns the finished run. */
export async function trainOnEmbeddedNode(server: TestServer) {
  await registerBandDataset(server, 'bands', 120);
  const created = await createRun(server, {
    kind: 'train',
    dataset: { name: 'bands' },
    model: 'teacher',
    architecture: 'cnn-small',
    hyperparameters: { epochs: 1, batchSize: 32, seed: 1 },
  });
  return waitForRun(server, created.id, 120_000);
}
