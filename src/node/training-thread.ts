// The agent's handle on one training worker thread: started once (backend selected there), then
// given one run at a time; the run's progress, checkpoints and teacher logits come back as calls.
import { Worker } from 'node:worker_threads';
import type { BackendInfo, BackendPreference } from '../training/backend';
import type { BatchProgress, CheckpointMetrics } from '../training/run-types';
import type { HashedCheckpoint } from './checkpoint-files';
import type { RunExecution, RunInputs } from './execute-run';
import type { RunError } from './protocol-types';
import type { FromWorker, ToWorker, TrainingWorkerData } from './worker-messages';

const ENTRY = new URL('./training-worker-entry.mjs', import.meta.url);

/** What the agent does with what a run reports; a rejected checkpoint or logits call stops the run. */
export interface RunListener {
  onBatch(progress: BatchProgress): void;
  onEpoch(metrics: CheckpointMetrics, seconds: number): void;
  onCheckpoint(checkpoint: HashedCheckpoint): Promise<void>;
  onTeacherLogits(teacherIndex: number, logits: Float32Array): Promise<void>;
}

export type RunOutcome = ({ ok: true } & RunExecution) | { ok: false; error: RunError };

class TrainingThreadError extends Error {
  override readonly name = 'TrainingThreadError';
}

export interface TrainingThread {
  readonly backend: BackendInfo;
  /** Runs one assignment; resolves with the engine's result or its error (never rejects for a run's own failure). */
  run(inputs: RunInputs, listener: RunListener): Promise<RunOutcome>;
  /** Asks the current run to stop at its next batch. */
  abort(): void;
  terminate(): Promise<void>;
}

/**
 * The buffers of a run's input bytes, to move to the worker instead of copying: a structured clone
 * of a large dataset would block this thread (the embedded server's) for as long as the copy takes.
 * Each download is its own Uint8Array, read here no more once sent; a view that does not span its
 * whole buffer (a slice of a pooled Buffer) is copied, since moving it would take the rest away too.
 */
function transferableBuffers(inputs: RunInputs): ArrayBuffer[] {
  const checkpoints = inputs.resume ? [inputs.resume.latest, inputs.resume.best] : [];
  const artifacts = [...inputs.teachers.map((teacher) => teacher.artifacts), inputs.init, ...(inputs.members ?? []), ...checkpoints];
  const views: (ArrayBufferView | undefined)[] = [
    ...Object.values(inputs.dataset.files),
    ...inputs.teachers.map((teacher) => teacher.logits),
    ...artifacts.map((artifact) => artifact?.weights),
    ...checkpoints.map((checkpoint) => checkpoint.optimizer),
  ];
  const owned = views.filter(
    (view): view is ArrayBufferView<ArrayBuffer> =>
      view !== undefined && view.buffer instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === view.buffer.byteLength,
  );
  // The latest and best checkpoints can be one object; a buffer listed twice fails the transfer.
  return [...new Set(owned.map((view) => view.buffer))];
}

/** Starts a worker thread and waits until its backend is up. */
/** Starts a training thread on `backend`, its native kernels on `threads` threads. */
export async function startTrainingThread(backend: BackendPreference, threads: number): Promise<TrainingThread> {
  const worker = new Worker(ENTRY, { workerData: { backend, threads } satisfies TrainingWorkerData });
  const send = (message: ToWorker, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);
  let current: { listener: RunListener; settle(outcome: RunOutcome): void } | null = null;
  // A thread that dies (out of memory, a crash in native code) fails the run it was running.
  let dead: RunError | null = null;
  const die = (error: RunError) => {
    dead ??= error;
    current?.settle({ ok: false, error });
    current = null;
  };
  worker.on('error', (error) => die({ type: 'training-thread-crashed', message: error.message }));
  worker.on('exit', (code) => die({ type: 'training-thread-exited', message: `the training thread exited with code ${code}` }));

  const info = await new Promise<BackendInfo>((resolve, reject) => {
    const onStartup = (message: FromWorker) => {
      if (message.type === 'ready') resolve(message.backend);
      else if (message.type === 'startup-failed') reject(new TrainingThreadError(`backend ${backend}: ${message.error.message}`));
      else return;
      worker.off('message', onStartup);
    };
    worker.on('message', onStartup);
    worker.once('exit', (code) => reject(new TrainingThreadError(`the training thread exited with code ${code} while starting`)));
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });

  /** Answers the worker's request once the listener has stored what it carried (or says why not). */
  const acknowledge = (id: number, work: Promise<void>) =>
    work.then(
      () => send({ type: 'ack', id }),
      (error: unknown) => send({ type: 'ack', id, error: error instanceof Error ? error.message : String(error) }),
    );

  worker.on('message', (message: FromWorker) => {
    const run = current;
    if (!run) return;
    switch (message.type) {
      case 'batch':
        return run.listener.onBatch(message.progress);
      case 'epoch':
        return run.listener.onEpoch(message.metrics, message.seconds);
      case 'checkpoint':
        return void acknowledge(message.id, run.listener.onCheckpoint(message.checkpoint));
      case 'teacher-logits':
        return void acknowledge(message.id, run.listener.onTeacherLogits(message.teacherIndex, message.logits));
      case 'done':
        return run.settle({ ok: true, ...message.execution });
      case 'failed':
        return run.settle({ ok: false, error: message.error });
    }
  });

  return {
    backend: info,
    run(inputs, listener) {
      if (dead) return Promise.resolve({ ok: false, error: dead });
      if (current) throw new TrainingThreadError('this training thread is already running a run');
      return new Promise<RunOutcome>((resolve) => {
        current = {
          listener,
          settle: (outcome) => {
            current = null;
            resolve(outcome);
          },
        };
        send({ type: 'run', inputs }, transferableBuffers(inputs));
      });
    },
    abort: () => send({ type: 'abort' }),
    terminate: async () => {
      await worker.terminate();
    },
  };
}
