// Test and bench support: the bundled Worker running in workerd (Miniflare, offline) on real HTTP, with a D1
// database migrated by `wrangler d1 migrations apply --local` (what `npm run dev:worker` does) and an R2 bucket.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Miniflare } from 'miniflare';
import type { R2BucketBinding } from '../../src/registry/adapters/blob/r2-bucket';
import type { WorkerVars } from '../../src/worker/bindings';
import { PROJECT_ROOT, runWrangler } from './worker-bundle';

export interface WorkerdWorker {
  /** Where workerd listens, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The Worker's R2 bucket, for looking behind the API. */
  bucket: R2BucketBinding;
  dispose(): Promise<void>;
}

/** wrangler.toml's D1 database id: wrangler and Miniflare name the local database file after it. */
async function d1DatabaseId(): Promise<string> {
  const toml = await readFile(join(PROJECT_ROOT, 'wrangler.toml'), 'utf8');
  const id = /^database_id\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  if (id === undefined) throw new Error('wrangler.toml declares no D1 database_id');
  return id;
}

/** Local state (D1) migrated by wrangler from wrangler.toml's migrations_dir, in a temporary folder. */
export async function migratedLocalState(): Promise<{ folder: string; dispose(): Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), 'distillery-worker-state-'));
  await runWrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', folder]);
  return { folder, dispose: () => rm(folder, { recursive: true, force: true }) };
}

/** Starts `scriptPath` in workerd with the bindings wrangler.toml declares and the given vars and secrets. */
export async function startWorkerd(scriptPath: string, stateFolder: string, vars: WorkerVars): Promise<WorkerdWorker> {
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    // Module names are paths relative to this root; the bundle lives in a temporary folder.
    modulesRoot: dirname(scriptPath),
    compatibilityDate: '2026-04-26',
    d1Databases: { DB: await d1DatabaseId() },
    d1Persist: join(stateFolder, 'v3', 'd1'),
    r2Buckets: ['BLOBS'],
    // wrangler.toml's [assets], staged by its [build] command when the bundle was built.
    assets: { directory: join(PROJECT_ROOT, 'dist', 'worker-assets'), routerConfig: { has_user_worker: true } },
    bindings: Object.fromEntries(Object.entries(vars).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    host: '127.0.0.1',
    port: 0,
  });
  try {
    const url = (await mf.ready).toString().replace(/\/$/, '');
    const bucket = (await mf.getR2Bucket('BLOBS')) as unknown as R2BucketBinding;
    return { url, bucket, dispose: () => mf.dispose() };
  } catch (error) {
    await mf.dispose();
    throw error;
  }
}
