// A run's events as chart data: per-epoch train and validation curves, and, between epochs, the batch
// losses of the latest attempt. x is in epochs: batch b of B in epoch e sits at e - 1 + b / B.
import type uPlot from 'uplot';
import type { RunEvent } from './run-events';

export interface RunCurves {
  loss: uPlot.AlignedData;
  accuracy: uPlot.AlignedData;
}

const value = (metrics: Record<string, number>, key: string): number | null => (typeof metrics[key] === 'number' ? metrics[key] : null);

export function runCurves(events: RunEvent[]): RunCurves {
  // A later attempt's epoch replaces an earlier one's (a resumed run reports it again).
  const epochs = new Map<number, Record<string, number>>();
  const latestAttempt = events.reduce((latest, event) => Math.max(latest, event.attempt), 0);
  const batches = new Map<number, number>();
  for (const event of events) {
    if (event.kind === 'epoch' && event.epoch !== null) epochs.set(event.epoch, event.metrics);
    if (event.kind === 'batch' && event.epoch !== null && event.attempt === latestAttempt) {
      const batch = value(event.metrics, 'batch');
      const total = value(event.metrics, 'batches');
      const loss = value(event.metrics, 'loss');
      if (batch !== null && total && loss !== null) batches.set(event.epoch - 1 + batch / total, loss);
    }
  }
  const xs = [...new Set([...epochs.keys(), ...batches.keys()])].sort((a, b) => a - b);
  const epochSeries = (key: string) => xs.map((x) => (epochs.has(x) ? value(epochs.get(x)!, key) : null));
  return {
    loss: [xs, xs.map((x) => batches.get(x) ?? null), epochSeries('trainLoss'), epochSeries('validationLoss')],
    accuracy: [xs, epochSeries('trainAccuracy'), epochSeries('validationAccuracy')],
  };
}
