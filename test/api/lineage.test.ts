// Lineage over real HTTP: teachers -> distilled student -> self-distilled student, walked both ways to a depth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallIdxFiles } from '../registry/datasets-fixtures';
import { startTestServer, type TestServer } from '../support/server';
import { addVersion, createModel, versionPath } from './typed-requests';

let server: TestServer;
const ids: Record<string, string> = {};

/** Registers a real (tiny IDX) dataset so edges can name the data a student was distilled on. */
async function registerDataset(): Promise<string> {
  const form = new FormData();
  form.append('name', 'transfer-set');
  form.append('format', 'idx');
  for (const [role, bytes] of Object.entries(smallIdxFiles())) form.append(role, new Blob([bytes as Uint8Array<ArrayBuffer>]), role);
  // The typed body describes the parts; the FormData is sent as it is.
  const { data, error, response } = await server.client.POST('/v1/datasets', { body: form as never, bodySerializer: () => form });
  if (!data) throw new Error(`registering the dataset: ${response.status} ${JSON.stringify(error)}`);
  return data.id;
}

beforeAll(async () => {
  server = await startTestServer();
  for (const teacher of ['teacher-a', 'teacher-b']) {
    await createModel(server, teacher);
    ids[teacher] = (await addVersion(server, teacher)).id;
  }
  await createModel(server, 'student');
  ids.dataset = await registerDataset();
  const distillParams = { temperature: 1, alpha: 0 };
  ids.student = (
    await addVersion(server, 'student', {
      parents: [
        { model: 'teacher-a', version: 1, relation: 'teacher', weight: 0.5, method: 'knowledge-distillation', params: distillParams, datasetId: ids.dataset },
        { model: 'teacher-b', version: 1, relation: 'teacher', weight: 0.5, method: 'knowledge-distillation', params: distillParams, datasetId: ids.dataset },
      ],
    })
  ).id;
  ids.grandStudent = (
    await addVersion(server, 'student', { parents: [{ model: 'student', version: 1, relation: 'teacher', method: 'self-distillation' }] })
  ).id;
});
afterAll(() => server.close());

type Direction = 'ancestors' | 'descendants' | 'both';

async function lineage(name: string, version: number, query: { direction: Direction; depth?: number }) {
  const { data, response } = await server.client.GET('/v1/models/{name}/versions/{version}/lineage', {
    params: { ...versionPath(name, version).params, query },
  });
  expect(response.status).toBe(200);
  return data!;
}

describe('lineage', () => {
  it('returns every ancestor of the self-distilled student with the edge details', async () => {
    const graph = await lineage('student', 2, { direction: 'ancestors' });
    expect(graph.root).toBe(ids.grandStudent);
    expect(graph.nodes.map((n) => [n.model, n.version, n.distance])).toEqual([
      ['teacher-a', 1, -2],
      ['teacher-b', 1, -2],
      ['student', 1, -1],
      ['student', 2, 0],
    ]);
    expect(graph.edges).toHaveLength(3);
    expect(graph.edges).toContainEqual({
      parent: ids['teacher-a'],
      child: ids.student,
      relation: 'teacher',
      weight: 0.5,
      method: 'knowledge-distillation',
      params: { temperature: 1, alpha: 0 },
      runId: null,
      datasetId: ids.dataset,
    });
    expect(graph.edges).toContainEqual(expect.objectContaining({ parent: ids.student, child: ids.grandStudent, method: 'self-distillation' }));
  });

  it('stops at the requested depth', async () => {
    const graph = await lineage('student', 2, { direction: 'ancestors', depth: 1 });
    expect(graph.nodes.map((n) => n.id).sort()).toEqual([ids.student, ids.grandStudent].sort());
    expect(graph.edges).toEqual([expect.objectContaining({ parent: ids.student, child: ids.grandStudent })]);
  });

  it('returns descendants of a teacher, and both directions around the middle', async () => {
    const down = await lineage('teacher-a', 1, { direction: 'descendants' });
    expect(down.nodes.map((n) => [n.model, n.version, n.distance])).toEqual([
      ['teacher-a', 1, 0],
      ['student', 1, 1],
      ['student', 2, 2],
    ]);
    const both = await lineage('student', 1, { direction: 'both', depth: 1 });
    expect(both.nodes.map((n) => n.distance).sort()).toEqual([-1, -1, 0, 1]);
    expect(both.edges).toHaveLength(3);
  });

  it('refuses depths outside 1-100 with a validation problem naming the field', async () => {
    const response = await server.fetch('/v1/models/student/versions/1/lineage?depth=101');
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ errors: [expect.objectContaining({ in: 'query', path: 'depth' })] });
  });
});
