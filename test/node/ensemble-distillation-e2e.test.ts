// Distilling from an ensemble end to end, over real HTTP with the server's embedded training node:
// two teachers trained, an ensemble of them (one fixed, one followed through an alias, unequal
// weights), a student distilled from it whose run records the ensemble and its resolved members and
// whose lineage has an `ensemble-member` edge to each member with its normalised weight. Distill
// requests naming the ensemble wrongly are refused with a 422 and queue nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';
import { createRun, registerBandDataset, waitForRun, type CreateRun } from './support';

let server: TestServer;
let datasetId: string;
const teacherIds: string[] = [];
let ensembleId: string;

const HYPERPARAMETERS = { epochs: 1, batchSize: 32 };

beforeAll(async () => {
  server = await startTestServer({ config: { embeddedNodes: 1 }, env: { DISTILLERY_BACKEND: 'cpu' } });
  datasetId = (await registerBandDataset(server, 'bands')).id;
  for (const seed of [0, 1]) {
    const created = await createRun(server, { kind: 'train', dataset: { name: 'bands' }, model: 'teacher', architecture: 'mlp', hyperparameters: { ...HYPERPARAMETERS, seed } });
    const run = await waitForRun(server, created.id);
    if (run.status !== 'succeeded' || !run.resultVersionId) throw new Error(`teacher run: ${JSON.stringify(run)}`);
    teacherIds.push(run.resultVersionId);
  }
  await server.client.PUT('/v1/models/{name}/aliases/{alias}', { params: { path: { name: 'teacher', alias: 'production' } }, body: { version: 2 } });
  const ensemble = await server.client.POST('/v1/ensembles', {
    body: { name: 'pair', aggregation: 'mean-logits', members: [{ model: 'teacher', version: 1, weight: 1 }, { model: 'teacher', version: 'production', weight: 3 }] },
  });
  if (!ensemble.data) throw new Error(`ensemble: ${JSON.stringify(ensemble.error)}`);
  ensembleId = ensemble.data.id;
  // Revision 2: the run must record the revision it resolved.
  await server.client.PATCH('/v1/ensembles/{name}', { params: { path: { name: 'pair' } }, body: { aggregation: 'mean-probabilities' } });
});
afterAll(() => server.close());

const distillFrom = (fields: Partial<CreateRun>): CreateRun => ({
  kind: 'distill',
  dataset: { name: 'bands' },
  model: 'student',
  architecture: 'mlp',
  hyperparameters: { ...HYPERPARAMETERS, seed: 7 },
  ...fields,
});

describe('distilling from an ensemble', () => {
  it('refuses a distill run naming no teachers, both teachers and an ensemble, an unknown or voting ensemble, or its own aggregation', async () => {
    await server.client.POST('/v1/ensembles', { body: { name: 'voters', aggregation: 'majority-vote', members: [{ model: 'teacher', version: 1 }] } });
    const runsBefore = (await server.client.GET('/v1/runs', {})).data!.total;
    const cases: [Partial<CreateRun>, string][] = [
      [{}, 'teachers'],
      [{ ensemble: 'pair', teachers: [{ model: 'teacher', version: 1 }] }, 'ensemble'],
      [{ ensemble: 'nobody' }, 'ensemble'],
      [{ ensemble: 'voters' }, 'ensemble'],
      [{ ensemble: 'pair', aggregation: 'mean-logits' }, 'aggregation'],
    ];
    for (const [fields, path] of cases) {
      const { error, response } = await server.client.POST('/v1/runs', { body: distillFrom(fields) });
      expect(response.status, JSON.stringify(fields)).toBe(422);
      expect(error, JSON.stringify(fields)).toMatchObject({ errors: [expect.objectContaining({ in: 'body', path })] });
    }
    expect((await server.client.GET('/v1/runs', {})).data!.total).toBe(runsBefore);
  });

  it('records the ensemble and its resolved members, and traces the student to each member with its normalised weight', async () => {
    const created = await createRun(server, distillFrom({ ensemble: 'pair' }));
    expect(created.spec).toMatchObject({
      ensemble: { id: ensembleId, name: 'pair', revision: 2, aggregation: 'mean-probabilities' },
      teachers: [
        { versionId: teacherIds[0], model: 'teacher', version: 1, weight: 1 },
        { versionId: teacherIds[1], model: 'teacher', version: 2, weight: 3 },
      ],
      training: { aggregation: 'mean-probabilities', teacherWeights: [1, 3] },
    });
    const run = await waitForRun(server, created.id);
    expect(run, JSON.stringify(run.error)).toMatchObject({ status: 'succeeded' });
    const { data: version } = await server.client.GET('/v1/models/{name}/versions/{version}', { params: { path: { name: 'student', version: '1' } } });
    expect(version!.id).toBe(run.resultVersionId);
    const { data: lineage, error } = await server.client.GET('/v1/models/{name}/versions/{version}/lineage', {
      params: { path: { name: 'student', version: '1' }, query: { direction: 'ancestors', depth: 1 } },
    });
    if (!lineage) throw new Error(JSON.stringify(error));
    const edges = [...lineage.edges].sort((a, b) => (a.weight ?? 0) - (b.weight ?? 0));
    expect(edges).toHaveLength(2);
    const common = { child: version!.id, relation: 'ensemble-member', method: 'knowledge-distillation', runId: run.id, datasetId };
    expect(edges[0]).toMatchObject({ ...common, parent: teacherIds[0], weight: 0.25 });
    expect(edges[1]).toMatchObject({ ...common, parent: teacherIds[1], weight: 0.75 });
    for (const edge of edges) expect(edge.params).toMatchObject({ ensemble: 'pair', revision: 2, aggregation: 'mean-probabilities', temperature: expect.any(Number), alpha: expect.any(Number) });
  });
});
