// The NodeStore port on SQL, for every dialect: registration is one upsert by name, and a node's
// current runs are the running runs it holds the lease of.
import { asc, eq, isNotNull, type Table } from 'drizzle-orm';
import { ConflictError, UnprocessableError } from '../../errors';
import type { NewNode, NodeStore, NodeWithRuns } from '../../ports';
import type { NodeRecord, Timestamp } from '../../records';
import type { RegistryTables } from './rows';
import type { SqlDatabase } from './sql-database';
import { allOf, first, mapViolations } from './sql-store-helpers';

export function sqlNodeStore<T extends Table>(db: SqlDatabase<T>, t: RegistryTables<T>): NodeStore {
  const s = db.statements;
  const { nodes, runs } = t;

  return {
    async registerNode(node: NewNode): Promise<NodeRecord> {
      const { backend, device, version, apiKeyId, capabilities, createdAt: seenAt } = node;
      const upsert = s.insert(nodes, [{ ...node, lastSeenAt: seenAt }], {
        target: [nodes.name],
        set: { backend, device, version, apiKeyId, capabilities, lastSeenAt: seenAt },
      });
      const [registered] = await mapViolations(db, db.run(upsert), {
        'foreign-key': () => new UnprocessableError(`API key ${apiKeyId} does not exist`, { apiKeyId }),
        unique: () => new ConflictError(`node ${node.id} already exists under another name`, { id: node.id }),
      });
      return registered!;
    },

    async getNode(id: string): Promise<NodeRecord | null> {
      return first(await db.run(s.select(nodes, { where: eq(nodes.id, id) })));
    },

    async touchNode(id: string, at: Timestamp): Promise<NodeRecord | null> {
      return first(await db.run(s.update(nodes, { lastSeenAt: at }, eq(nodes.id, id))));
    },

    async listNodes(): Promise<NodeWithRuns[]> {
      const [all, running] = await db.batch([
        s.select(nodes, { orderBy: [asc(nodes.name)] }),
        s.select(runs, { where: allOf(eq(runs.status, 'running'), isNotNull(runs.leaseOwner)), orderBy: [asc(runs.startedAt), asc(runs.id)] }),
      ]);
      return all.map((node) => ({ ...node, currentRunIds: running.filter((run) => run.leaseOwner === node.id).map((run) => run.id) }));
    },
  };
}
