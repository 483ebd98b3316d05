// How `runs follow` shows a run's events: a cli-progress bar (epoch, batch, loss, accuracy, ETA) on a
// terminal; one plain line per epoch and per status change or log message when stdout is not one.
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { RunEvent } from './run-events';

export interface ProgressView {
  show(event: RunEvent): void;
  /** A line of the follower's own (reconnecting, the outcome), kept above the bar. */
  note(line: string): void;
  stop(): void;
}

const fixed = (value: number | undefined, digits = 4) => (value === undefined ? '-' : value.toFixed(digits));

/** The line an epoch event prints in either view. */
function epochLine(event: RunEvent, epochs: number | undefined): string {
  const m = event.metrics;
  const of = epochs === undefined ? '' : `/${epochs}`;
  const seconds = m.seconds === undefined ? '' : `  ${m.seconds.toFixed(1)}s`;
  return (
    `epoch ${event.epoch ?? '?'}${of}  train loss ${fixed(m.trainLoss)} acc ${fixed(m.trainAccuracy)}` +
    `  val loss ${fixed(m.validationLoss)} acc ${fixed(m.validationAccuracy)}  lr ${m.learningRate ?? '-'}${seconds}`
  );
}

/** Status and log events as lines; batch and epoch events have their own rendering. */
function messageLine(event: RunEvent): string {
  return `${event.kind} (attempt ${event.attempt}): ${event.message ?? ''}`;
}

/** The plain view: what a log file or a pipe should get. */
function lineView(out: NodeJS.WritableStream, epochsOf: (event: RunEvent) => number | undefined): ProgressView {
  const write = (line: string) => out.write(`${line}\n`);
  return {
    show(event) {
      if (event.kind === 'epoch') write(epochLine(event, epochsOf(event)));
      else if (event.kind !== 'batch') write(messageLine(event));
    },
    note: write,
    stop() {},
  };
}

/** The terminal view: one bar over every batch of the run, lines above it. */
function barView(out: NodeJS.WriteStream, epochsOf: (event: RunEvent) => number | undefined): ProgressView {
  const bars = new MultiBar(
    {
      stream: out,
      format: 'epoch {epoch} [{bar}] batch {batch} | loss {loss} | acc {accuracy} | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  let bar: SingleBar | undefined;
  let batches = 1;
  let accuracy = '-';
  const place = (event: RunEvent, batch: number, loss: string) => {
    const epochs = epochsOf(event) ?? event.epoch ?? 1;
    const epoch = event.epoch ?? 1;
    const payload = { epoch: `${epoch}/${epochs}`, batch: `${batch}/${batches}`, loss, accuracy };
    const value = (epoch - 1) * batches + batch;
    if (!bar) bar = bars.create(epochs * batches, value, payload);
    else {
      bar.setTotal(epochs * batches);
      bar.update(value, payload);
    }
  };
  // The bars draw a log line at their next redraw, and only once a bar exists.
  const log = (line: string) => (bar ? bars.log(`${line}\n`) : out.write(`${line}\n`));
  return {
    show(event) {
      if (event.kind === 'batch') {
        batches = event.metrics.batches ?? batches;
        place(event, event.metrics.batch ?? 0, fixed(event.metrics.loss));
      } else if (event.kind === 'epoch') {
        log(epochLine(event, epochsOf(event)));
        accuracy = fixed(event.metrics.validationAccuracy);
        place(event, batches, fixed(event.metrics.trainLoss));
      } else {
        log(messageLine(event));
      }
    },
    note: log,
    stop() {
      if (!bar) return;
      bars.update(); // flushes the log lines still waiting for a redraw
      bars.stop();
    },
  };
}

/**
 * The view for `out`: the bar on a terminal, lines otherwise. `specEpochs` is the run's planned
 * epoch count (its spec); an epoch event's own `epochs` metric wins.
 */
export function progressView(out: NodeJS.WriteStream, specEpochs: number | undefined): ProgressView {
  const epochsOf = (event: RunEvent) => event.metrics.epochs ?? specEpochs;
  return out.isTTY ? barView(out, epochsOf) : lineView(out, epochsOf);
}
