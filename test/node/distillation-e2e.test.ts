// End to end over real HTTP, with the generated client and the server's embedded training node: two
// teachers trained with seeds 0 and 1, a student distilled from both and a student self-distilled from
// one; each result is registered with metrics and a lineage naming exactly its teachers, weights,
// dataset and run, and the second distill run reuses the teacher logits the first one stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';
import { createRun, registerBandDataset, waitForRun, type CreateRun, type Run } from './support';

let server: TestServer;
let datasetId: string;

beforeAll(async () => {
  server = await startTestServer({ config: { embeddedNodes: 1 }, env: { DISTILLERY_BACKEND: 'cpu' } });
  datasetId = (await registerBandDataset(server, 'bands')).id;
});
afterAll(() => server.close());

const HYPERPARAMETERS = { epochs: 2, batchSize: 32 };

const teacherRun = (seed: number): CreateRun => ({
  kind: 'train',
  dataset: { name: 'bands' },
  model: 'teacher',
  architecture: 'mlp',
  hyperparameters: { ...HYPERPARAMETERS, seed },
});

const distillRun = (model: string, teachers: number[]): CreateRun => ({
  kind: 'distill',
  dataset: { name: 'bands' },
  model,
  architecture: 'mlp',
  teachers: teachers.map((version) => ({ model: 'teacher', version })),
  hyperparameters: { ...HYPERPARAMETERS, seed: 7 },
});

async function succeeded(created: Run): Promise<Run> {
  const run = await waitForRun(server, created.id);
  expect(run, JSON.stringify(run.error)).toMatchObject({ status: 'succeeded', attempt: 1 });
  return run;
}

async function versionOf(runId: string, model: string) {
  const { data } = await server.client.GET('/v1/models/{name}/versions', { params: { path: { name: model } } });
  const matching = data!.items.filter((version) => version.sourceRunId === runId);
  expect(matching).toHaveLength(1);
  return matching[0]!;
}

async function parentEdges(model: string, version: number) {
  const { data, error } = await server.client.GET('/v1/models/{name}/versions/{version}/lineage', {
    params: { path: { name: model, version: String(version) }, query: { direction: 'ancestors', depth: 1 } },
  });
  if (!data) throw new Error(JSON.stringify(error));
  return data.edges;
}

describe('train, distill and self-distill through the embedded node', () => {
  const teacherIds: string[] = [];
  const distillMetrics: Record<string, unknown>[] = [];

  it('trains two teachers with seeds 0 and 1, each registered with its metrics and no parents', async () => {
    const queued = [await createRun(server, teacherRun(0)), await createRun(server, teacherRun(1))];
    for (const [index, created] of queued.entries()) {
      const run = await succeeded(created);
      const version = await versionOf(run.id, 'teacher');
      expect(version.id).toBe(run.resultVersionId);
      expect(version.params).toMatchObject({ seed: index });
      expect(version.metrics).toMatchObject({ validation_accuracy: expect.any(Number), test_accuracy: expect.any(Number), test_nll: expect.any(Number), test_ece: expect.any(Number) });
      expect(await parentEdges('teacher', version.version)).toEqual([]);
      teacherIds.push(version.id);
    }
    expect(new Set(teacherIds).size).toBe(2);
  });

  it('distils a student from both teachers and self-distils one from the first, each traced to exactly its teachers', async () => {
    const ensemble = await createRun(server, distillRun('student', [1, 2]));
    const self = await createRun(server, distillRun('self-student', [1]));
    for (const [created, model, teachers] of [
      [ensemble, 'student', teacherIds],
      [self, 'self-student', teacherIds.slice(0, 1)],
    ] as const) {
      const run = await succeeded(created);
      const version = await versionOf(run.id, model);
      expect(version.metrics).toMatchObject({ validation_accuracy: expect.any(Number), test_accuracy: expect.any(Number) });
      distillMetrics.push(version.metrics);
      const edges = await parentEdges(model, version.version);
      expect(edges.map((edge) => edge.parent).sort()).toEqual([...teachers].sort());
      const weight = 1 / teachers.length;
      const method = teachers.length === 1 ? 'self-distillation' : 'knowledge-distillation';
      for (const edge of edges) {
        expect(edge).toMatchObject({ child: version.id, relation: 'teacher', weight, method, runId: run.id, datasetId });
      }
    }
  });

  it('computes teacher logits once: the self-distilled student used the ones the ensemble run stored', () => {
    const [ensembleMetrics, selfMetrics] = distillMetrics;
    expect(ensembleMetrics).toHaveProperty('teacher_logits_seconds');
    expect(selfMetrics).not.toHaveProperty('teacher_logits_seconds');
  });

  it('lists the embedded node with what it runs on', async () => {
    const response = await server.fetch('/v1/nodes');
    const { items } = (await response.json()) as { items: { id: string; backend: string; version: string }[] };
    expect(items).toEqual([expect.objectContaining({ id: server.embeddedNodes[0]!.node.id, backend: 'cpu', version: expect.any(String) })]);
  });
});
