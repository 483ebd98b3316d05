// Import boundaries: the API and the pure run specs load no tfjs, Node built-in, database driver or AWS SDK, and the layers import only inward.
import { readdirSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, forbiddenChains, reachedModules, runtimeImportGraph, writtenImports, type RuntimeGraph } from './import-graph';

/** What must run on every runtime (Node, Workers). */
const RUNTIME_AGNOSTIC_ENTRIES = ['src/api/app.ts', 'src/worker.ts', 'src/training/spec/index.ts'] as const;

/** The only part of src/training that src/api may import: run specs without tfjs. */
const PURE_TRAINING_MODULES = 'src/training/spec/';

/** Drivers, and drizzle's bindings that import them (drizzle-orm/d1 binds a Worker's D1 and is allowed). */
const DATABASE_DRIVERS = ['better-sqlite3', 'pg', 'postgres', 'drizzle-orm/better-sqlite3', 'drizzle-orm/node-postgres', 'drizzle-orm/postgres-js'];
const isPackage = (specifier: string, name: string) => specifier === name || specifier.startsWith(`${name}/`);

const FORBIDDEN: { what: string; matches: (specifier: string) => boolean }[] = [
  { what: 'tfjs', matches: (specifier) => specifier.startsWith('@tensorflow/') },
  { what: 'a Node built-in', matches: (specifier) => specifier.startsWith('node:') || isBuiltin(specifier) },
  { what: 'a database driver', matches: (specifier) => DATABASE_DRIVERS.some((name) => isPackage(specifier, name)) },
  { what: 'the AWS SDK', matches: (specifier) => specifier.startsWith('@aws-sdk/') },
];
const isForbidden = (specifier: string) => FORBIDDEN.some(({ matches }) => matches(specifier));

/** "entry → … → module → import (what it is)", as a failure names it. */
function describeChain(chain: string[]): string {
  const offending = chain[chain.length - 1] as string;
  return `${chain.join(' → ')} (${FORBIDDEN.find(({ matches }) => matches(offending))?.what})`;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(join(REPO_ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `${folder}/${file.split('\\').join('/')}`)
    .sort();
}

/** "file imports target" for every project import in `folders` that `refused` names. */
function writtenImportsWhere(folders: string[], refused: (target: string) => boolean): string[] {
  return folders.flatMap((folder) => sourceFiles(folder).flatMap((file) => writtenImports(file).filter(refused).map((target) => `${file} imports ${target}`)));
}

let graph: RuntimeGraph;

beforeAll(async () => {
  // src/server.ts and src/training/index.ts are analysed too, to show the analysis finds what it must.
  graph = await runtimeImportGraph([...RUNTIME_AGNOSTIC_ENTRIES, 'src/server.ts', 'src/training/index.ts']);
});

describe('runtime-agnostic entry points', () => {
  it.each(RUNTIME_AGNOSTIC_ENTRIES)('%s reaches no tfjs, Node built-in, database driver or AWS SDK', (entry) => {
    const chains = forbiddenChains(graph, entry, isForbidden).map(describeChain);
    expect(chains, `${entry} must run on Workers too; each line is an import chain to a forbidden module`).toEqual([]);
  });

  it('are analysed through every layer they load', () => {
    const fromApp = reachedModules(graph, 'src/api/app.ts');
    expect(fromApp).toContain('src/registry/dataset-files.ts');
    expect(fromApp).toContain('src/datasets/files.ts');
    expect(reachedModules(graph, 'src/training/spec/index.ts')).toContain('src/errors.ts');
  });

  it('the analysis names the chain to a forbidden module where one exists', () => {
    const server = forbiddenChains(graph, 'src/server.ts', isForbidden);
    expect(server.map((chain) => chain.at(-1))).toContain('better-sqlite3');
    for (const chain of server) expect(chain[0]).toBe('src/server.ts');
    const training = forbiddenChains(graph, 'src/training/index.ts', isForbidden).map(describeChain);
    expect(training).toContainEqual(expect.stringMatching(/^src\/training\/index\.ts → .+ → @tensorflow\/tfjs \(tfjs\)$/));
  });
});

describe('layers import only inward', () => {
  it('src/training and src/datasets import nothing from src/registry', () => {
    const inward = writtenImportsWhere(['src/training', 'src/datasets'], (target) => target.startsWith('src/registry/'));
    expect(inward, 'the engine and the parsers must not depend on the registry').toEqual([]);
  });

  it('src/api imports from src/training only the run specs without tfjs', () => {
    const refused = (target: string) => target.startsWith('src/training/') && !target.startsWith(PURE_TRAINING_MODULES);
    expect(writtenImportsWhere(['src/api'], refused), `src/api may import from src/training only ${PURE_TRAINING_MODULES}`).toEqual([]);
  });

  it('counts type-only imports and re-exports as imports', () => {
    // run-types.ts imports checkpoint.ts only for types; index.ts re-exports ./spec.
    expect(writtenImports('src/training/run-types.ts')).toContain('src/training/checkpoint.ts');
    expect(writtenImports('src/training/index.ts')).toContain('src/training/spec/index.ts');
    expect(writtenImports('src/training/run-types.ts')).toContain('@tensorflow/tfjs');
  });
});
