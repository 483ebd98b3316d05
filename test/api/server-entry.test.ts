// The Node entry as users run it (`tsx src/server.ts`): prints its URL and, on first start only, the
// admin key; honours DISTILLERY_ADMIN_KEY without echoing it; exits cleanly on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDistilleryClient } from '../../openapi/client';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'distillery-entry-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Spawns the entry on a free port and waits for its "listening on" line. */
function startEntry(env: Record<string, string>): Promise<Started> {
  const child = spawn(join('node_modules', '.bin', 'tsx'), ['src/server.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DISTILLERY_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // The URL line and any bootstrap notice are written at once.
      const url = /listening on (http:\/\/\S+) /.exec(output)?.[1];
      if (url) resolve({ child, url, output: () => output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${output}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

const printedKey = (output: string) => /\n {2}(dk_\S+)\n/.exec(output)?.[1];

describe('src/server.ts', () => {
  it('prints the admin key on first start only, and exits 0 on SIGTERM', async () => {
    const first = await startEntry({});
    const key = printedKey(first.output());
    expect(key).toMatch(/^dk_[a-z0-9]+_/);
    expect((await fetch(`${first.url}/health`)).status).toBe(200);
    expect((await createDistilleryClient(first.url, key!).GET('/v1/models')).response.status).toBe(200);
    expect(await stop(first.child)).toBe(0);

    const second = await startEntry({});
    expect(printedKey(second.output())).toBeUndefined();
    expect((await createDistilleryClient(second.url, key!).GET('/v1/models')).response.status).toBe(200);
    expect(await stop(second.child)).toBe(0);
  });

  it('uses DISTILLERY_ADMIN_KEY for the bootstrap key of an empty registry', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'distillery-entry-key-'));
    const chosen = 'dk_ops_chosen-by-the-operator-0123';
    try {
      const started = await startEntry({ DISTILLERY_DATA_DIR: fresh, DISTILLERY_ADMIN_KEY: chosen });
      expect(started.output()).toContain('created the admin API key given in DISTILLERY_ADMIN_KEY');
      expect(started.output()).not.toContain(chosen);
      expect((await createDistilleryClient(started.url, chosen).GET('/v1/keys')).response.status).toBe(200);
      expect(await stop(started.child)).toBe(0);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });
});
