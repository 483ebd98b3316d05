// The Worker bundle wrangler would deploy reaches no Node-only code (no node: module, tfjs, database
// driver or AWS SDK — with or without nodejs_compat) and fits the Workers Free plan's 3 MB compressed.
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorkerBundle, type WorkerBundle } from './worker-bundle';

const FORBIDDEN_PACKAGES = ['@tensorflow/', 'better-sqlite3', 'pg', 'pg-pool', 'postgres', '@aws-sdk/', '@smithy/', '@hono/node-server', 'swagger-ui-dist'];
/**
 * Modules of this project that are Node-only by design. From src/training only the run specs may
 * come in, with src/training/errors.ts, whose InvalidSpecError they throw (it imports only src/errors.ts).
 */
const FORBIDDEN_SOURCES = [/^src\/server\.ts$/, /^src\/server\/swagger-ui-assets\.ts$/, /^src\/datasets\/builtin\.ts$/, /^src\/config\.ts$/, /^src\/training\/(?!spec\/|errors\.ts$)/, /^src\/serving\/tfjs-/, /adapters\/blob\/(local-folder|s3|node-)/, /adapters\/sql\/(sqlite|pg)\/open-/];
const FREE_PLAN_COMPRESSED_BYTES = 3 * 1024 * 1024;

let bundle: WorkerBundle;
beforeAll(async () => {
  bundle = await buildWorkerBundle();
}, 60_000);
afterAll(() => bundle?.dispose());

/** `node_modules/@scope/name/…` -> `@scope/name`. */
function packageOf(input: string): string | null {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match ? match[1]! : null;
}

describe('Worker bundle', () => {
  it('includes no Node-only package and none of our Node-only modules', () => {
    const inputs = Object.keys(bundle.metafile.inputs);
    expect(inputs).toContain('src/worker.ts');
    const packages = [...new Set(inputs.map(packageOf).filter((name): name is string => name !== null))];
    expect(packages.filter((name) => FORBIDDEN_PACKAGES.some((forbidden) => (forbidden.endsWith('/') ? name.startsWith(forbidden) : name === forbidden)))).toEqual([]);
    expect(inputs.filter((input) => FORBIDDEN_SOURCES.some((pattern) => pattern.test(input)))).toEqual([]);
  });

  it('imports no node: module (nor any other module left outside the bundle)', () => {
    const imports = [
      ...Object.values(bundle.metafile.inputs).flatMap((input) => input.imports),
      ...Object.values(bundle.metafile.outputs).flatMap((output) => output.imports),
    ];
    // `<runtime>` is esbuild's own helper code, inside the bundle.
    const outside = imports.filter((entry) => entry.path !== '<runtime>' && (entry.external || entry.path.startsWith('node:')));
    expect(outside.map((entry) => entry.path)).toEqual([]);
  });

  it('fits the Free plan: under 3 MB gzip-compressed', async () => {
    const compressed = gzipSync(await readFile(bundle.scriptPath)).byteLength;
    expect(compressed).toBeLessThan(FREE_PLAN_COMPRESSED_BYTES);
  });
});
