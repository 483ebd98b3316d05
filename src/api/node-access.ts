// Who may write for a run: a `node` key acts only for runs its own node holds (the lease owner is a
// node registered with that key); an admin key may act for any node. The fencing token itself is
// checked by the store, inside each write's SQL.
import { assertHeldWith } from '../registry/checkpoints';
import { NotFoundError } from '../registry/errors';
import type { NodeStore, RunQueueStore } from '../registry/ports';
import type { NodeRecord, RunRecord } from '../registry/records';
import type { Principal } from './app-env';
import { ForbiddenError } from './http-errors';

const isAdmin = (principal: Principal) => principal.scopes.includes('admin');

/** The node `nodeId`, when the caller's key registered it (or is an admin key); else 404 / 403. */
export async function nodeOfCaller(repo: NodeStore, principal: Principal, nodeId: string): Promise<NodeRecord> {
  const node = await repo.getNode(nodeId);
  if (!node) throw new NotFoundError(`node "${nodeId}" is not registered`, { node: nodeId });
  if (!isAdmin(principal) && node.apiKeyId !== principal.apiKeyId) {
    throw new ForbiddenError(`node "${node.name}" was registered with another API key`, { node: nodeId });
  }
  return node;
}

/** A node key may register a name that is free or already its own; an admin key may take over any. */
export async function assertMayRegisterNode(repo: NodeStore, principal: Principal, name: string): Promise<void> {
  const existing = (await repo.listNodes()).find((node) => node.name === name);
  if (existing && !isAdmin(principal) && existing.apiKeyId !== principal.apiKeyId) {
    throw new ForbiddenError(`node "${name}" is registered with another API key`, { name });
  }
}

/**
 * The run `runId`, when its lease owner is a node of the caller's key (or the key is an admin's);
 * else 404 / 403. A run no node holds is returned too: whether the caller's fencing token is still
 * the run's is the store's check, which refuses it.
 */
export async function runHeldByCaller(repo: NodeStore & RunQueueStore, principal: Principal, runId: string): Promise<RunRecord> {
  const run = await repo.getRun(runId);
  if (!run) throw new NotFoundError(`run "${runId}" does not exist`, { run: runId });
  // Held by nobody (back in the queue): the fenced write that follows refuses it as a stale lease (409).
  if (isAdmin(principal) || run.leaseOwner === null) return run;
  const owner = await repo.getNode(run.leaseOwner);
  if (!owner || owner.apiKeyId !== principal.apiKeyId) {
    throw new ForbiddenError(`run "${runId}" is not held by a node of this API key`, { run: runId });
  }
  return run;
}

/** Why a node's run route answers 409: the spec text every such route shares. */
export const STALE_LEASE_PROBLEM =
  'The run is not held with this fencing token any more (`stale-lease`: claimed again, or finished); nothing changed.';

/** runHeldByCaller, and the run is still running under `fencingToken` (routes that read or write outside the store's fenced SQL). */
export async function runHeldWith(repo: NodeStore & RunQueueStore, principal: Principal, runId: string, fencingToken: number): Promise<RunRecord> {
  const run = await runHeldByCaller(repo, principal, runId);
  assertHeldWith(run, fencingToken);
  return run;
}
