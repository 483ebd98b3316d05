// The training worker thread: starts the tfjs backend once, then runs one assignment at a time with
// the engine, reporting progress to the agent and waiting for it to store each checkpoint (hashed
// here and transferred, so the agent's event loop neither hashes nor copies it).
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from '../training/backend';
import type { CheckpointArtifacts } from '../training/run-types';
import { hashCheckpoint } from './checkpoint-files';
import { executeRun, type RunInputs } from './execute-run';
import { runErrorOf, type FromWorker, type ToWorker, type TrainingWorkerData } from './worker-messages';

const port = parentPort;
if (!port) throw new Error('src/node/training-worker.ts runs only as a worker thread');

const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

let nextAckId = 1;
const pendingAcks = new Map<number, { resolve(): void; reject(error: Error): void }>();
let abort: AbortController | null = null;

/** Sends a message the agent answers with an ack once it has stored what it carries. */
function request(build: (id: number) => FromWorker, transfer: ArrayBuffer[] = []): Promise<void> {
  const id = nextAckId++;
  return new Promise((resolve, reject) => {
    pendingAcks.set(id, { resolve, reject });
    post(build(id), transfer);
  });
}

async function run(inputs: RunInputs): Promise<void> {
  abort = new AbortController();
  try {
    const execution = await executeRun(inputs, {
      signal: abort.signal,
      onBatch: (progress) => post({ type: 'batch', progress }),
      onEpoch: (metrics, seconds) => post({ type: 'epoch', metrics, seconds }),
      checkpoints: {
        save: (epoch: number, artifacts: CheckpointArtifacts) => {
          const { checkpoint, transfer } = hashCheckpoint(epoch, artifacts);
          return request((id) => ({ type: 'checkpoint', id, checkpoint }), transfer);
        },
      },
      onTeacherLogits: (teacherIndex, logits) => request((id) => ({ type: 'teacher-logits', id, teacherIndex, logits })),
    });
    post({ type: 'done', execution });
  } catch (error) {
    post({ type: 'failed', error: runErrorOf(error) });
  } finally {
    abort = null;
  }
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'run':
      void run(message.inputs);
      return;
    case 'abort':
      abort?.abort();
      return;
    case 'ack': {
      const pending = pendingAcks.get(message.id);
      pendingAcks.delete(message.id);
      if (message.error === undefined) pending?.resolve();
      else pending?.reject(new Error(message.error));
      return;
    }
  }
});

const { backend, threads } = workerData as TrainingWorkerData;
selectBackend(backend, { threads }).then(
  (info) => post({ type: 'ready', backend: info }),
  (error: unknown) => post({ type: 'startup-failed', error: runErrorOf(error) }),
);
