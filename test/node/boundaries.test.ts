// The training node talks to the API only: neither the agent nor its training thread loads a database
// driver, a storage SDK or any module of the registry (the embedded nodes' key is issued by the server).
import { beforeAll, describe, expect, it } from 'vitest';
import { forbiddenChains, reachedModules, runtimeImportGraph, type RuntimeGraph } from '../architecture/import-graph';

const NODE_ENTRIES = ['src/node/node-command.ts', 'src/node/training-worker.ts'] as const;
const STORAGE_PACKAGES = ['better-sqlite3', 'pg', 'drizzle-orm', '@aws-sdk/', 'aws4fetch'];

let graph: RuntimeGraph;

beforeAll(async () => {
  graph = await runtimeImportGraph(NODE_ENTRIES);
});

describe('the training node', () => {
  it.each(NODE_ENTRIES)('%s loads no database driver or storage SDK', (entry) => {
    const chains = forbiddenChains(graph, entry, (specifier) => STORAGE_PACKAGES.some((name) => specifier === name || specifier.startsWith(name)));
    expect(chains.map((chain) => chain.join(' → '))).toEqual([]);
  });

  it.each(NODE_ENTRIES)('%s loads nothing of src/registry or src/api', (entry) => {
    const reached = [...reachedModules(graph, entry)];
    expect(reached.filter((file) => file.startsWith('src/registry/') || file.startsWith('src/api/'))).toEqual([]);
  });

  it('the analysis follows the agent through to the engine', () => {
    expect(reachedModules(graph, 'src/node/node-command.ts')).toContain('src/node/api-client.ts');
    expect(reachedModules(graph, 'src/node/training-worker.ts')).toContain('src/node/execute-run.ts');
  });
});
