// The training thread: a worker thread (TypeScript loaded through the .mjs entry) that selects its
// backend, trains a run with the engine, and waits for the agent to store each checkpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTrainingThread, type RunListener, type TrainingThread } from '../../src/node/training-thread';
import type { RunInputs } from '../../src/node/execute-run';
import type { HashedCheckpoint } from '../../src/node/checkpoint-files';
import { sha256Hex } from '../../src/registry/hashing';
import { BAND_LABELS, bandIdxFiles } from './fixtures';

let thread: TrainingThread;

beforeAll(async () => {
  thread = await startTrainingThread('cpu', 1);
});
afterAll(() => thread.terminate());

const trainInputs = (epochs: number): RunInputs => ({
  kind: 'train',
  spec: { dataset: { id: 'd', name: 'bands', version: 1 }, model: 'm', training: { architecture: 'mlp', epochs, batchSize: 32, seed: 3 } },
  dataset: { format: 'idx', files: bandIdxFiles(200, 40), classLabels: BAND_LABELS },
  teachers: [],
});

function recordingListener(onCheckpoint: RunListener['onCheckpoint'] = async () => {}) {
  const seen = { batches: 0, epochs: [] as number[], checkpoints: [] as HashedCheckpoint[] };
  const listener: RunListener = {
    onBatch: () => void seen.batches++,
    onEpoch: (metrics) => void seen.epochs.push(metrics.epoch),
    onCheckpoint: async (checkpoint) => {
      seen.checkpoints.push(checkpoint);
      await onCheckpoint(checkpoint);
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
    expect(first?.files.map((file) => file.name)).toEqual(['model.json', 'weights.bin', 'optimizer.bin']);
    expect(JSON.parse(new TextDecoder().decode(first?.files[0]?.bytes))).toMatchObject({ format: 'layers-model' });
  });

  it('hands over each checkpoint file with the size and sha256 of its bytes, hashed on the training thread', async () => {
    const { seen, listener } = recordingListener();
    // Two epochs: at least one checkpoint is the best so far, whose bytes the engine keeps for the result.
    expect((await thread.run(trainInputs(2), listener)).ok).toBe(true);
    const files = seen.checkpoints.flatMap((checkpoint) => checkpoint.files);
    expect(files).toHaveLength(6);
    for (const file of files) {
      expect(file.bytes.byteLength).toBeGreaterThan(0);
      expect(file.size).toBe(file.bytes.byteLength);
      expect(file.sha256).toBe(await sha256Hex(file.bytes));
    }
  });

  it('moves the input bytes that own their buffer to the thread and copies a view into a larger buffer', async () => {
    const inputs = trainInputs(1);
    const files = inputs.dataset.files;
    const testLabels = files['test-labels']!;
    // A view into a larger buffer, as a pooled Buffer slice is: moving its buffer would take the rest too.
    const shared = new Uint8Array(testLabels.byteLength + 8);
    shared.set(testLabels, 4);
    files['test-labels'] = shared.subarray(4, 4 + testLabels.byteLength);
    const trainImages = files['train-images']!;
    expect(trainImages.byteLength).toBeGreaterThan(0);
    expect((await thread.run(inputs, recordingListener().listener)).ok).toBe(true);
    expect(trainImages.byteLength).toBe(0);
    expect(files['test-labels'].byteLength).toBe(testLabels.byteLength);
    expect(shared.byteLength).toBe(testLabels.byteLength + 8);
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
