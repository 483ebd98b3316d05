// Where a run is, read from the newest batch and epoch events its node reported: the epoch and
// batch it reached and the latest loss; null before the first event.
import type { RunQueueStore } from './ports';
import type { RunRecord } from './records';
import { trainingSpecOf } from './stored-run-spec';

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
