// Test and bench support: the Worker exactly as `wrangler deploy` would upload it (dry run), with esbuild's metafile.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WRANGLER = join(PROJECT_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

/** esbuild's metafile, reduced to what the tests read. */
export interface BundleMetafile {
  inputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
  outputs: Record<string, { bytes: number; imports: { path: string; external?: boolean }[]; inputs: Record<string, { bytesInOutput: number }> }>;
}

export interface WorkerBundle {
  /** The bundled module (`worker.js`), what Cloudflare runs. */
  scriptPath: string;
  metafile: BundleMetafile;
  dispose(): Promise<void>;
}

/** Runs wrangler offline (no metrics, no login) in the project root. */
export async function runWrangler(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [WRANGLER, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/** Bundles src/worker.ts with wrangler.toml's settings into a temporary folder. */
export async function buildWorkerBundle(): Promise<WorkerBundle> {
  const outdir = await mkdtemp(join(tmpdir(), 'distillery-worker-'));
  const metafilePath = join(outdir, 'meta.json');
  await runWrangler(['deploy', '--dry-run', '--outdir', outdir, '--metafile', metafilePath]);
  return {
    scriptPath: join(outdir, 'worker.js'),
    metafile: JSON.parse(await readFile(metafilePath, 'utf8')) as BundleMetafile,
    dispose: () => rm(outdir, { recursive: true, force: true }),
  };
}
