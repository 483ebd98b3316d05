// What a client reads of a run's progress: the per-epoch history from its `epoch` events, where a
// later attempt's epoch replaces an earlier attempt's (a resumed attempt redoes the epochs after its checkpoint).
import type { RunQueueStore } from './ports';
import type { RunEventRecord, RunStatus } from './records';

const FINISHED: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

/** Succeeded, failed or cancelled: no node writes to it again. */
export function isFinished(status: RunStatus): boolean {
  return FINISHED.includes(status);
}

export interface EpochEntry {
  epoch: number;
  attempt: number;
  /** The numbers the node reported for the epoch (learningRate, trainLoss, trainAccuracy, validationLoss, validationAccuracy, …). */
  metrics: Record<string, number>;
}

/** Events are read this many at a time. */
const EVENT_PAGE = 1000;

/** One entry per epoch, in epoch order, each from the latest attempt that reported it. */
export async function epochHistory(repo: RunQueueStore, runId: string): Promise<EpochEntry[]> {
  const byEpoch = new Map<number, EpochEntry>();
  let page: RunEventRecord[];
  for (let after = 0; (page = await repo.listRunEvents(runId, after, EVENT_PAGE)).length > 0; after = page.at(-1)!.id) {
    for (const event of page) {
      if (event.kind !== 'epoch' || event.epoch === null) continue;
      const earlier = byEpoch.get(event.epoch);
      if (!earlier || earlier.attempt <= event.attempt) byEpoch.set(event.epoch, { epoch: event.epoch, attempt: event.attempt, metrics: event.metrics });
    }
    if (page.length < EVENT_PAGE) break;
  }
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}
