// `npm start` (tsx src/server.ts) as users run it: one embedded training node by default, on a
// node-scoped key of its own that is never printed and is revoked when the server stops;
// DISTILLERY_EMBEDDED_NODES=0 runs none.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDistilleryClient } from '../../openapi/client';
import { REPO_ROOT } from '../architecture/import-graph';

const ADMIN_KEY = 'dk_ops_embedded-entry-test-0123';
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'distillery-embedded-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

/** Starts the entry, lets `use` talk to it, stops it with SIGTERM; returns what it printed and its exit code. */
async function withEntry(env: Record<string, string>, use: (url: string) => Promise<void>): Promise<{ output: string; code: number | null }> {
  const child = spawn(join('node_modules', '.bin', 'tsx'), ['src/server.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DISTILLERY_DATA_DIR: dataDir, DISTILLERY_ADMIN_KEY: ADMIN_KEY, DISTILLERY_BACKEND: 'cpu', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        const found = /listening on (http:\/\/\S+) /.exec(output)?.[1];
        if (found) resolve(found);
      });
      void exited.then((code) => reject(new Error(`server exited with ${code}:\n${output}`)));
    });
    await use(url);
  } finally {
    child.kill('SIGTERM');
  }
  return { output, code: await exited };
}

const embeddedKeys = async (url: string) => {
  const { data } = await createDistilleryClient(url, ADMIN_KEY).GET('/v1/keys');
  return data!.items.filter((key) => key.scopes.includes('node'));
};

describe('npm start with its embedded node', () => {
  it('registers one node on a node key of its own, prints no key, and revokes the key on SIGTERM', async () => {
    let nodeNames: string[] = [];
    const first = await withEntry({}, async (url) => {
      const response = await fetch(`${url}/v1/nodes`, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
      nodeNames = ((await response.json()) as { items: { name: string; backend: string }[] }).items.map((node) => node.name);
      expect(await embeddedKeys(url)).toEqual([expect.objectContaining({ scopes: ['node'], revokedAt: null })]);
    });
    expect(first.code).toBe(0);
    expect(nodeNames).toEqual([expect.stringMatching(/^embedded-/)]);
    expect(first.output).not.toMatch(/dk_[a-z0-9]+_/);

    const second = await withEntry({ DISTILLERY_EMBEDDED_NODES: '0' }, async (url) => {
      const keys = await embeddedKeys(url);
      expect(keys).toHaveLength(1);
      expect(keys[0]!.revokedAt).not.toBeNull();
    });
    expect(second.code).toBe(0);
  });
});
