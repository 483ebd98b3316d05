// Lineage over real HTTP: teachers -> distilled student -> self-distilled student, walked both ways to a depth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallIdxFiles } from '../registry/datasets-fixtures';
import { addDenseVersion, createDenseModel } from '../support/requests';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
const ids: Record<string, string> = {};

/** Registers a real (tiny IDX) dataset so edges can name the data a student was distilled on. */
async function registerDataset(): Promise<string> {
  const form = new FormData();
  form.append('name', 'transfer-set');
  form.append('format', 'idx');
  for (const [role, bytes] of Object.entries(smallIdxFiles())) form.append(role, new Blob([bytes as Uint8Array<ArrayBuffer>]), role);
  const response = await server.fetch('/v1/datasets', { method: 'POST', body: form });
  if (response.status !== 201) throw new Error(`registering the dataset: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

beforeAll(async () => {
  server = await startTestServer();
  for (const teacher of ['teacher-a', 'teacher-b']) {
    await createDenseModel(server, teacher);
    ids[teacher] = (await addDenseVersion(server, teacher)).id;
  }
  await createDenseModel(server, 'student');
  ids.dataset = await registerDataset();
  const distillParams = { temperature: 1, alpha: 0 };
  ids.student = (
    await addDenseVersion(server, 'student', {
      parents: [
        { model: 'teacher-a', version: 1, relation: 'teacher', weight: 0.5, method: 'knowledge-distillation', params: distillParams, datasetId: ids.dataset },
        { model: 'teacher-b', version: 1, relation: 'teacher', weight: 0.5, method: 'knowledge-distillation', params: distillParams, datasetId: ids.dataset },
      ],
    })
  ).id;
  ids.grandStudent = (
    await addDenseVersion(server, 'student', { parents: [{ model: 'student', version: 1, relation: 'teacher', method: 'self-distillation' }] })
  ).id;
});
afterAll(() => server.close());

async function lineage(path: string) {
  const response = await server.fetch(path);
  expect(response.status).toBe(200);
  return (await response.json()) as {
    root: string;
    nodes: { id: string; model: string; version: number; distance: number }[];
    edges: { parent: string; child: string; relation: string; weight: number | null; method: string | null; params: object; runId: string | null; datasetId: string | null }[];
  };
}

describe('lineage', () => {
  it('returns every ancestor of the self-distilled student with the edge details', async () => {
    const graph = await lineage('/v1/models/student/versions/2/lineage?direction=ancestors');
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
    const graph = await lineage('/v1/models/student/versions/2/lineage?direction=ancestors&depth=1');
    expect(graph.nodes.map((n) => n.id).sort()).toEqual([ids.student, ids.grandStudent].sort());
    expect(graph.edges).toEqual([expect.objectContaining({ parent: ids.student, child: ids.grandStudent })]);
  });

  it('returns descendants of a teacher, and both directions around the middle', async () => {
    const down = await lineage('/v1/models/teacher-a/versions/1/lineage?direction=descendants');
    expect(down.nodes.map((n) => [n.model, n.version, n.distance])).toEqual([
      ['teacher-a', 1, 0],
      ['student', 1, 1],
      ['student', 2, 2],
    ]);
    const both = await lineage('/v1/models/student/versions/1/lineage?direction=both&depth=1');
    expect(both.nodes.map((n) => n.distance).sort()).toEqual([-1, -1, 0, 1]);
    expect(both.edges).toHaveLength(3);
  });

  it('refuses depths outside 1-100 with a validation problem naming the field', async () => {
    const response = await server.fetch('/v1/models/student/versions/1/lineage?depth=101');
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ errors: [expect.objectContaining({ in: 'query', path: 'depth' })] });
  });
});
