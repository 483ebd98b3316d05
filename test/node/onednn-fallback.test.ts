// Where the oneDNN addon is missing or broken, nothing fails: npm's install step exits 0 naming the
// cause, `auto` falls back to plain wasm and /health, GET /v1/nodes and the node's details say why,
// and runs still train. (This file's fork points the engine at an addon that does not exist.)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOnednnAddon } from '../../src/training/backend/onednn-addon';
import { REPO_ROOT } from '../architecture/import-graph';
import { startTestServer, type TestServer } from '../support/server';
import { reportedBackends, trainOnEmbeddedNode } from './backend-report';

const scratch = mkdtempSync(join(tmpdir(), 'distillery-onednn-fallback-'));
// Read by every engine thread this process starts (worker threads copy the environment at start).
process.env.DISTILLERY_ONEDNN_ADDON = join(scratch, 'missing', 'distillery_onednn.node');

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: { embeddedNodes: 1 }, env: {} });
});
afterAll(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('a server without the oneDNN addon', () => {
  it('falls back to wasm and says why on /health and GET /v1/nodes', async () => {
    const { serving, node } = await reportedBackends(server);
    expect(serving.name).toBe('wasm');
    expect(serving.details).toMatch(/auto skipped: .*The 'wasm\+onednn' tfjs backend is unavailable: the oneDNN addon is not built \(.*missing.*does not exist\)/);
    expect(node.backend).toBe('wasm');
    expect(node.capabilities.details).toContain('the oneDNN addon is not built');
  });

  it('still trains a run', async () => {
    const run = await trainOnEmbeddedNode(server);
    expect(run, JSON.stringify(run.error)).toMatchObject({ status: 'succeeded' });
  });
});

describe('loading a broken addon', () => {
  it('gives a reason instead of throwing', () => {
    const bogus = join(scratch, 'bogus.node');
    writeFileSync(bogus, 'not a shared library');
    const load = loadOnednnAddon(bogus);
    expect(load.ok).toBe(false);
    expect(!load.ok && load.reason).toMatch(/^the oneDNN addon .*bogus\.node does not load: .*(invalid ELF header|file too short)/);
  });
});

describe("npm's install step (native/install.mjs) without oneDNN", () => {
  /** A copy of native/ whose sources include a oneDNN header that does not exist, as on a machine without libdnnl-dev. */
  function nativeCopyWithoutHeaders(): string {
    const copy = join(scratch, 'native');
    cpSync(join(REPO_ROOT, 'native'), copy, { recursive: true, filter: (path) => !path.includes(`${join('native', 'build')}`) });
    const engineHeader = join(copy, 'src', 'engine.h');
    writeFileSync(engineHeader, readFileSync(engineHeader, 'utf8').replace('oneapi/dnnl/dnnl.hpp', 'oneapi/dnnl/dnnl_absent.hpp'));
    return copy;
  }

  const install = (copy: string, ...args: string[]) =>
    spawnSync(process.execPath, [join(copy, 'install.mjs'), ...args], {
      encoding: 'utf8',
      // node-addon-api resolves from the repository's node_modules, as it would from a dependent's.
      env: { ...process.env, NODE_PATH: join(REPO_ROOT, 'node_modules') },
    });

  it('exits 0 with the compiler error named, records it, and leaves no addon; --required exits 1', () => {
    const copy = nativeCopyWithoutHeaders();
    const result = install(copy);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/the oneDNN addon was not built: the build failed \(.*dnnl_absent\.hpp/);
    expect(result.stderr).toContain('apt-get install libdnnl-dev');
    const status = JSON.parse(readFileSync(join(copy, 'build', 'status.json'), 'utf8')) as { built: boolean; reason: string };
    expect(status.built).toBe(false);
    expect(status.reason).toContain('dnnl_absent.hpp');
    expect(readFileSync(join(copy, 'build', 'build.log'), 'utf8')).toContain('dnnl_absent.hpp');
    expect(existsSync(join(copy, 'build', 'Release', 'distillery_onednn.node'))).toBe(false);

    expect(install(copy, '--required').status).toBe(1);
  });

  it('skips the build when DISTILLERY_ONEDNN=off', () => {
    const copy = nativeCopyWithoutHeaders();
    const result = spawnSync(process.execPath, [join(copy, 'install.mjs')], { encoding: 'utf8', env: { ...process.env, DISTILLERY_ONEDNN: 'off' } });
    expect(result.status).toBe(0);
    expect(JSON.parse(readFileSync(join(copy, 'build', 'status.json'), 'utf8'))).toEqual({ built: false, reason: 'DISTILLERY_ONEDNN=off at install time' });
  });
});
