// Training nodes as they register: by name, under the node key that registered them. Registering
// again under the same name keeps the id (a restarted node). Who may take a name is the API's check
// (src/api/node-access.ts).
import type { Clock, NodeStore, NodeWithRuns } from './ports';
import type { JsonObject, NodeRecord } from './records';

export interface NodeRegistration {
  name: string;
  backend: string;
  device: string;
  version: string;
  capabilities?: JsonObject;
}

/** Registers (or re-registers) the node under `apiKeyId`; `created` is false when the name was registered already. */
export async function registerNode(
  deps: { repo: NodeStore; clock: Clock },
  registration: NodeRegistration,
  apiKeyId: string,
): Promise<{ node: NodeRecord; created: boolean }> {
  const id = crypto.randomUUID();
  const node = await deps.repo.registerNode({
    id,
    ...registration,
    capabilities: registration.capabilities ?? {},
    apiKeyId,
    createdAt: deps.clock.now().toISOString(),
  });
  return { node, created: node.id === id };
}

export function listNodes(repo: NodeStore): Promise<NodeWithRuns[]> {
  return repo.listNodes();
}
