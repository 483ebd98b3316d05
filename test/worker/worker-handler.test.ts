// The Worker's fetch handler on real D1 and R2 bindings (Miniflare), called from Node: the app is built on
// the first request, not at import; isolates racing to bootstrap the admin key make exactly one.
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeSha256 } from '../../src/registry/adapters/blob/node-blob-digest';
import type { R2BucketBinding } from '../../src/registry/adapters/blob/r2-bucket';
import type { WorkerEnv } from '../../src/worker/bindings';
import { createWorkerHandler } from '../../src/worker/worker-app';
import { startD1, type StartedD1 } from '../support/d1';

const ADMIN_KEY = 'dk_raceadmin_0123456789abcdefXYZ';

let d1: StartedD1;
let r2: Miniflare;
let env: WorkerEnv;
beforeAll(async () => {
  d1 = await startD1();
  r2 = new Miniflare({ modules: true, script: 'export default {}', r2Buckets: ['BLOBS'] });
  env = { DB: d1.d1, BLOBS: (await r2.getR2Bucket('BLOBS')) as unknown as R2BucketBinding, DISTILLERY_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'silent' };
});
afterAll(async () => {
  await Promise.all([d1?.dispose(), r2?.dispose()]);
});

const request = (path: string, key?: string) =>
  new Request(`https://distillery.example${path}`, key === undefined ? {} : { headers: { Authorization: `Bearer ${key}` } });

describe('Worker fetch handler', () => {
  it('touches no binding before its first request', async () => {
    const { default: worker } = await import('../../src/worker');
    expect(typeof worker.fetch).toBe('function');
    // A handler given broken bindings fails only when asked to serve.
    const broken = createWorkerHandler({ sha256: nodeSha256 });
    const response = await broken.fetch(request('/health'), { ...env, DB: { prepare: () => { throw new Error('no D1'); }, batch: async () => [] } });
    expect(response.status).toBe(500);
  });

  it('lets concurrent isolates on an empty registry bootstrap one admin key, and all serve it', async () => {
    const isolates = Array.from({ length: 4 }, () => createWorkerHandler({ sha256: nodeSha256 }));
    const first = await Promise.all(isolates.map((isolate) => isolate.fetch(request('/v1/keys', ADMIN_KEY), env)));
    expect(first.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    const { items } = (await first[0]!.json()) as { items: { id: string; scopes: string[] }[] };
    expect(items).toEqual([expect.objectContaining({ id: 'raceadmin', scopes: ['admin'] })]);
  });

  it('retries a failed start on the next request', async () => {
    const isolate = createWorkerHandler({ sha256: nodeSha256 });
    expect((await isolate.fetch(request('/health'), { ...env, LOG_LEVEL: 'loud' })).status).toBe(500);
    expect((await isolate.fetch(request('/health'), env)).status).toBe(200);
  });
});
