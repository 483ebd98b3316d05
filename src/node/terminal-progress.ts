// The node's own terminal: a progress bar per run (cli-progress) on a TTY, plain lines otherwise.
import cliProgress from 'cli-progress';
import type { CheckpointMetrics } from '../training/run-types';
import type { NodeObserver } from './agent';
import type { Assignment } from './protocol-types';
import type { RunEnd } from './run-session';

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const short = (runId: string) => runId.slice(0, 8);

function describeStart(assignment: Assignment): string {
  const { run, inputs } = assignment;
  const resumed = inputs.resume ? `, resuming after epoch ${inputs.resume.epoch}` : '';
  return `run ${run.id} (${run.kind}, attempt ${run.attempt}${resumed}) started`;
}

function describeEnd(runId: string, end: RunEnd): string {
  switch (end.status) {
    case 'succeeded':
      return `run ${runId} succeeded: ${Object.entries(end.metrics).map(([name, value]) => `${name} ${value.toFixed(4)}`).join(', ')}`;
    case 'failed':
      return `run ${runId} failed: ${end.error.type}: ${end.error.message}`;
    case 'cancelled':
      return `run ${runId} cancelled`;
    case 'lease-lost':
      return `run ${runId} stopped: its lease is gone (${end.reason})`;
    case 'interrupted':
      return `run ${runId} interrupted: left to lease expiry, the next attempt resumes from its latest checkpoint`;
    case 'unreported':
      return `run ${runId} ended but could not be reported: ${end.reason}`;
  }
}

const describeEpoch = (runId: string, metrics: CheckpointMetrics, seconds: number) =>
  `run ${short(runId)} epoch ${metrics.epoch}: train loss ${metrics.trainLoss.toFixed(4)} acc ${percent(metrics.trainAccuracy)}, ` +
  `val loss ${metrics.validationLoss.toFixed(4)} acc ${percent(metrics.validationAccuracy)}${metrics.isBest ? ' (best)' : ''}, ${seconds.toFixed(1)}s`;

/** Plain lines, one per event worth reading (epochs, starts, ends): for logs and pipes. */
export function linesObserver(write: (line: string) => void): NodeObserver {
  return {
    runStarted: (assignment) => write(describeStart(assignment)),
    runEnded: (runId, end) => write(describeEnd(runId, end)),
    batch: () => {},
    epoch: (runId, metrics, seconds) => write(describeEpoch(runId, metrics, seconds)),
    log: (runId, message) => write(`run ${short(runId)}: ${message}`),
    notice: (message) => write(message),
  };
}

/** One bar per running run (epoch, batch, loss, best validation accuracy, ETA of the epoch); lines go above the bars. */
export function progressBarObserver(stream: NodeJS.WriteStream): NodeObserver & { stop(): void } {
  const bars = new cliProgress.MultiBar(
    {
      stream,
      format: '{run} epoch {epoch} [{bar}] {value}/{total} batches | loss {loss} | val acc {valAcc} | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const byRun = new Map<string, { bar: cliProgress.SingleBar; valAcc: string }>();
  // While bars are drawn a line goes above them at the next redraw; with none it is written at once
  // (cli-progress redraws only while it has bars, so a buffered line could wait for the next run).
  const lines = linesObserver((line) => (byRun.size > 0 ? bars.log(`${line}\n`) : stream.write(`${line}\n`)));
  return {
    ...lines,
    runStarted(assignment) {
      lines.runStarted(assignment);
      const bar = bars.create(1, 0, { run: short(assignment.run.id), epoch: '-', loss: '-', valAcc: '-' });
      byRun.set(assignment.run.id, { bar, valAcc: '-' });
    },
    runEnded(runId, end) {
      const entry = byRun.get(runId);
      if (entry) bars.remove(entry.bar);
      byRun.delete(runId);
      if (byRun.size === 0) bars.update();
      lines.runEnded(runId, end);
    },
    batch(runId, progress) {
      const entry = byRun.get(runId);
      if (!entry) return;
      entry.bar.setTotal(progress.batches);
      entry.bar.update(progress.batch, { epoch: progress.epoch, loss: progress.loss.toFixed(4), valAcc: entry.valAcc });
    },
    epoch(runId, metrics, seconds) {
      const entry = byRun.get(runId);
      if (entry) entry.valAcc = percent(metrics.bestValidationAccuracy);
      lines.epoch(runId, metrics, seconds);
    },
    stop: () => bars.stop(),
  };
}
