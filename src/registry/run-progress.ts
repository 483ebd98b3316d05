// What a client reads of a run's progress: the per-epoch history from its `epoch` events, where a
// later attempt's epoch replaces an earlier attempt's (a resumed attempt redoes the epochs after its
// checkpoint), and where the run is now, from its newest batch and epoch events.
import type { RunQueueStore } from './ports';
import type { RunEventRecord, RunRecord, RunStatus } from './records';
import { trainingSpecOf } from './stored-run-spec';

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

export interface RunProgress {
  epoch: number | null;
  /** Epochs the run trains for; null for an evaluate run. */
  epochs: number | null;
  batch: number | null;
  batches: number | null;
  /** The latest batch's loss, or the finished epoch's training loss. */
  loss: number | null;
}

export async function runProgress(repo: RunQueueStore, run: RunRecord): Promise<RunProgress | null> {
  const [batch, epoch] = await Promise.all([repo.latestRunEvent(run.id, 'batch'), repo.latestRunEvent(run.id, 'epoch')]);
  const epochs = run.kind === 'evaluate' ? null : (trainingSpecOf(run).training.epochs ?? null);
  const batches = batch?.metrics.batches ?? null;
  if (batch && (!epoch || batch.id > epoch.id)) {
    return { epoch: batch.epoch, epochs, batch: batch.metrics.batch ?? null, batches, loss: batch.metrics.loss ?? null };
  }
  // The epoch finished after its last batch report: every batch of it is done.
  if (epoch) return { epoch: epoch.epoch, epochs, batch: batches, batches, loss: epoch.metrics.trainLoss ?? null };
  return null;
}
