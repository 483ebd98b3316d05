// The lines a reproduction prints as it goes: what is queued, what runs on which node, epoch and ETA.
import type { Run } from './step-requests';

/** "1h02m", "4m05s", "12s". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** Share of a training run done: finished epochs plus the current epoch's finished batches. */
function fractionDone(progress: NonNullable<Run['progress']>): number | null {
  const { epoch, epochs, batch, batches } = progress;
  if (epoch === null || !epochs) return null;
  const inEpoch = batch !== null && batches ? batch / batches : 0;
  return Math.min(1, (epoch - 1 + inEpoch) / epochs);
}

/**
 * "epoch 2/5, batch 120/422, loss 0.4123, ETA 4m05s" from a running run's progress; the ETA assumes the
 * rest goes at the pace so far (from the run's first start, so it includes model build and validation).
 */
export function progressText(run: Run, now: Date): string {
  const progress = run.progress;
  if (!progress || progress.epoch === null) return 'starting';
  const parts = [`epoch ${progress.epoch}/${progress.epochs ?? '?'}`];
  if (progress.batch !== null) parts.push(`batch ${progress.batch}/${progress.batches ?? '?'}`);
  if (progress.loss !== null) parts.push(`loss ${progress.loss.toFixed(4)}`);
  const done = fractionDone(progress);
  if (done && run.startedAt) {
    const elapsed = (now.getTime() - Date.parse(run.startedAt)) / 1000;
    parts.push(`ETA ${duration((elapsed * (1 - done)) / done)}`);
  }
  return parts.join(', ');
}

/** Timestamped lines on stderr, so stdout stays free for the final summary. */
export function logLine(line: string, out: NodeJS.WritableStream = process.stderr): void {
  out.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}
