// `distillery models list` and `distillery lineage` as a child process against a real server:
// the lineage of uploaded versions with parents printed as a tree, both ways, to a depth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';
import { addVersion, createModel } from '../api/typed-requests';
import { cliJson, runCli, type CliTarget } from './cli-process';

let server: TestServer;
let target: CliTarget;

beforeAll(async () => {
  server = await startTestServer();
  target = { baseUrl: server.baseUrl, token: server.adminKey };
  for (const name of ['teacher-a', 'teacher-b', 'student']) await createModel(server, name, { description: `the ${name}` });
  await addVersion(server, 'teacher-a');
  await addVersion(server, 'teacher-b');
  const kd = { relation: 'teacher', weight: 0.5, method: 'knowledge-distillation' } as const;
  await addVersion(server, 'student', { parents: [{ model: 'teacher-a', version: 1, ...kd }, { model: 'teacher-b', version: 1, ...kd }] });
  await addVersion(server, 'student', { parents: [{ model: 'student', version: 1, relation: 'teacher', method: 'self-distillation' }] });
});
afterAll(() => server.close());

describe('models list', () => {
  it('prints every model as a row, and the API page with --json', async () => {
    const result = await runCli(target, ['models', 'list']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(/^NAME\s+TASK\s+INPUT\s+CLASSES\s+DESCRIPTION$/);
    expect(result.stdout).toMatch(/^teacher-b\s+classification\s+4\s+3\s+the teacher-b$/m);
    const page = await cliJson<{ items: { name: string }[]; total: number }>(target, ['models', 'list']);
    expect(page.items.map((model) => model.name).sort()).toEqual(['student', 'teacher-a', 'teacher-b']);
  });
});

describe('lineage', () => {
  it('prints the ancestors of the self-distilled student as a tree with each edge', async () => {
    const result = await runCli(target, ['lineage', 'student@2', '--direction', 'ancestors']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'student@2  (ancestors)',
        '└─ student@1  teacher, self-distillation',
        '   ├─ teacher-a@1  teacher, weight 0.5, knowledge-distillation',
        '   └─ teacher-b@1  teacher, weight 0.5, knowledge-distillation',
        '',
      ].join('\n'),
    );
  });

  it('prints both directions by default, and --depth stops the walk', async () => {
    const both = await runCli(target, ['lineage', 'teacher-a@1']);
    expect(both.stdout).toBe(
      [
        'teacher-a@1',
        '├─ ancestors',
        '│  (no ancestors)',
        '└─ descendants',
        '   └─ student@1  teacher, weight 0.5, knowledge-distillation',
        '      └─ student@2  teacher, self-distillation',
        '',
      ].join('\n'),
    );
    const shallow = await runCli(target, ['lineage', 'teacher-a@1', '--direction', 'descendants', '--depth', '1']);
    expect(shallow.stdout).toBe(['teacher-a@1  (descendants)', '└─ student@1  teacher, weight 0.5, knowledge-distillation', ''].join('\n'));
  });

  it('gives the API graph with --json, and the API problem for an unknown version', async () => {
    const graph = await cliJson<{ nodes: unknown[]; edges: unknown[] }>(target, ['lineage', 'student@latest', '--direction', 'ancestors']);
    expect(graph.nodes).toHaveLength(4);
    expect(graph.edges).toHaveLength(3);
    const missing = await runCli(target, ['lineage', 'student@9']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^distillery: 404 Not Found: /);
    const malformed = await runCli(target, ['lineage', 'student', '--direction', 'up']);
    expect(malformed.code).toBe(2);
  });
});
