// The training thread: a worker thread (TypeScript loaded through the .mjs entry) that selects its
// backend, trains a run with the engine, and waits for the agent to store each checkpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTrainingThread, type RunListener, type TrainingThread } from '../../src/node/training-thread';
import type { RunInputs } from '../../src/node/execute-run';
import type { CheckpointArtifacts } from '../../src/training/run-types';
import { BAND_LABELS, bandIdxFiles } from './fixtures';

let thread: TrainingThread;

beforeAll(async () => {
  thread = await startTrainingThread('cpu');
});
afterAll(() => thread.terminate());

const trainInputs = (epochs: number): RunInputs => ({
  kind: 'train',
  spec: { dataset: { id: 'd', name: 'bands', version: 1 }, model: 'm', training: { architecture: 'mlp', epochs, batchSize: 32, seed: 3 } },
  dataset: { format: 'idx', files: bandIdxFiles(200, 40), classLabels: BAND_LABELS },
  teachers: [],
});

function recordingListener(onCheckpoint: RunListener['onCheckpoint'] = async () => {}) {
  const seen = { batches: 0, epochs: [] as number[], checkpoints: [] as { epoch: number; artifacts: CheckpointArtifacts }[] };
  const listener: RunListener = {
    onBatch: () => void seen.batches++,
    onEpoch: (metrics) => void seen.epochs.push(metrics.epoch),
    onCheckpoint: async (epoch, artifacts) => {
      seen.checkpoints.push({ epoch, artifacts });
      await onCheckpoint(epoch, artifacts);
    },
    onTeacherLogits: async () => {},
  };
  return { seen, listener };
}

describe('training thread', () => {
  it('starts the backend it is asked for', () => {
    expect(thread.backend.name).toBe('cpu');
  });

  it('trains a run, handing over each checkpoint before its epoch event, and returns the metrics', async () => {
    const { seen, listener } = recordingListener();
    const outcome = await thread.run(trainInputs(2), listener);
    expect(outcome).toMatchObject({ ok: true, metrics: { epochs: 2, best_epoch: expect.any(Number), test_accuracy: expect.any(Number) } });
    expect(seen.checkpoints.map((c) => c.epoch)).toEqual([1, 2]);
    expect(seen.epochs).toEqual([1, 2]);
    expect(seen.batches).toBeGreaterThan(0);
    const [first] = seen.checkpoints;
    expect(first?.artifacts.modelJson.format).toBe('layers-model');
    expect(first?.artifacts.weights.byteLength).toBeGreaterThan(0);
    expect(first?.artifacts.optimizer.byteLength).toBeGreaterThan(0);
  });

  it('stops the run when a checkpoint cannot be stored, reporting why, and takes the next run', async () => {
    const { seen, listener } = recordingListener(async () => {
      throw new Error('lease lost');
    });
    const outcome = await thread.run(trainInputs(3), listener);
    expect(outcome).toEqual({ ok: false, error: { type: 'Error', message: 'lease lost' } });
    expect(seen.checkpoints.map((c) => c.epoch)).toEqual([1]);
    expect((await thread.run(trainInputs(1), recordingListener().listener)).ok).toBe(true);
  });

  it('stops at the next batch when aborted', async () => {
    const { listener } = recordingListener();
    const running = thread.run(trainInputs(50), { ...listener, onBatch: () => thread.abort() });
    expect(await running).toMatchObject({ ok: false, error: { type: 'training-cancelled' } });
  });
});
