// What a node writes for a run it holds, each fenced by the token it claimed the run with: heartbeats
// (which also say whether a cancel was asked for), progress events, failure, and the cancel's confirmation.
import type { Clock, NewRunEvent, NodeStore, RunQueueStore } from './ports';
import type { JsonObject, RunEventKind, RunEventRecord, RunRecord } from './records';
import { type LeaseDurations, leaseUntil } from './run-assignment';

type NodeRunDeps = { repo: RunQueueStore & NodeStore; clock: Clock };

/** One event as a node reports it. */
export interface ReportedEvent {
  kind: RunEventKind;
  epoch?: number;
  metrics?: Record<string, number>;
  message?: string;
}

/** Extends the lease and records that the node was heard from. */
export async function heartbeat(
  deps: NodeRunDeps & { leases: LeaseDurations },
  run: RunRecord,
  fencingToken: number,
): Promise<{ leaseExpiresAt: string; cancelRequested: boolean }> {
  const now = deps.clock.now().toISOString();
  const renewed = await deps.repo.heartbeatRun(run.id, fencingToken, leaseUntil(deps.clock, deps.leases), now);
  if (renewed.leaseOwner) await deps.repo.touchNode(renewed.leaseOwner, now);
  return { leaseExpiresAt: renewed.leaseExpiresAt!, cancelRequested: renewed.cancelRequestedAt !== null };
}

/** Appends the events in order; each is fenced, so a lease lost part-way stops the rest. */
export async function appendEvents(deps: NodeRunDeps, run: RunRecord, fencingToken: number, events: ReportedEvent[]): Promise<RunEventRecord[]> {
  const createdAt = deps.clock.now().toISOString();
  const appended: RunEventRecord[] = [];
  for (const event of events) {
    const row: NewRunEvent = { kind: event.kind, epoch: event.epoch ?? null, metrics: event.metrics ?? {}, message: event.message ?? null, createdAt };
    appended.push(await deps.repo.appendRunEvent(run.id, fencingToken, row));
  }
  return appended;
}

export function failRun(deps: NodeRunDeps, run: RunRecord, fencingToken: number, error: JsonObject): Promise<RunRecord> {
  return deps.repo.failRun(run.id, fencingToken, error, deps.clock.now().toISOString());
}

export function confirmCancelled(deps: NodeRunDeps, run: RunRecord, fencingToken: number): Promise<RunRecord> {
  return deps.repo.confirmRunCancelled(run.id, fencingToken, deps.clock.now().toISOString());
}
