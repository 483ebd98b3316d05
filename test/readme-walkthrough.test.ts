// Runs the README's curl walkthrough, exactly as written, against a real server: the README stays true.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The fenced block whose info string is `bash walkthrough`. */
async function walkthroughScript(): Promise<string> {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const match = /```bash walkthrough\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error('README.md has no ```bash walkthrough block');
  return match[1];
}

describe('README walkthrough', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('runs as written and leaves a student whose lineage names its teacher', async () => {
    const script = await walkthroughScript();
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: REPO_ROOT,
      env: { ...process.env, DISTILLERY: server.baseUrl, ADMIN_KEY: server.adminKey },
      maxBuffer: 16 * 1024 * 1024,
    });

    // The last command prints the lineage document: the student, its teacher, one teacher edge.
    const lineage = JSON.parse(stdout.slice(stdout.lastIndexOf('\n{\n') + 1)) as {
      nodes: { model: string; version: number }[];
      edges: { relation: string; method: string | null; params: Record<string, unknown> }[];
    };
    expect(lineage.nodes.map((node) => `${node.model}@${node.version}`).sort()).toEqual(['mnist-student@1', 'mnist-teacher@1']);
    expect(lineage.edges).toEqual([
      expect.objectContaining({ relation: 'teacher', method: 'knowledge-distillation', params: { temperature: 1, alpha: 0 } }),
    ]);

    const { data: alias } = await server.client.GET('/v1/models/{name}/aliases/{alias}', {
      params: { path: { name: 'mnist-teacher', alias: 'production' } },
    });
    expect(alias).toMatchObject({ alias: 'production', version: { model: 'mnist-teacher', version: 1 } });
  });
});
