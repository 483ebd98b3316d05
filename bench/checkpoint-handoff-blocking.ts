// The agent's (main thread's) longest event-loop block while it takes over one 135 MB checkpoint
// from a training thread: as it was (the bytes structured-cloned, then each file hashed on the main
// thread) and as it is (hashed on the training thread by hashCheckpoint, the buffers transferred).
// The checkpoint is synthetic: 45 MB of weights and 90 MB of Adam state, ResNet-18's proportions.
//
//   npx tsx bench/checkpoint-handoff-blocking.ts [--mb 135] [--repeats 5]
import { createHash, randomFillSync } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { hashCheckpoint } from '../src/node/checkpoint-files';
import type { CheckpointArtifacts } from '../src/training/run-types';

/** `baseline`: the worker makes the checkpoint but sends none of it (the measurement's own noise). */
type Mode = 'baseline' | 'clone-then-hash-on-main' | 'hashed-in-worker-transferred';

function syntheticCheckpoint(mb: number): CheckpointArtifacts {
  const weights = randomFillSync(new Uint8Array(Math.round((mb / 3) * 1e6)));
  const optimizer = randomFillSync(new Uint8Array(Math.round(((2 * mb) / 3) * 1e6)));
  const metrics = { epoch: 1, isBest: false } as CheckpointArtifacts['metrics'];
  return { modelJson: { format: 'layers-model' } as CheckpointArtifacts['modelJson'], weights, optimizer, metrics };
}

/** In the worker: one checkpoint per request, sent the way `mode` says. */
function serveCheckpoints(): void {
  const { mb } = workerData as { mb: number };
  parentPort!.on('message', (mode: Mode) => {
    const artifacts = syntheticCheckpoint(mb);
    if (mode === 'baseline') {
      parentPort!.postMessage({ mode });
    } else if (mode === 'clone-then-hash-on-main') {
      parentPort!.postMessage({ mode, artifacts });
    } else {
      const { checkpoint, transfer } = hashCheckpoint(1, artifacts);
      parentPort!.postMessage({ mode, checkpoint }, transfer);
    }
  });
}

/** In the main thread: the longest event-loop delay (ms) while one checkpoint arrives and is handled. */
async function measure(worker: Worker, mode: Mode): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  await new Promise<void>((resolve) => {
    worker.once('message', (message: { mode: Mode; artifacts?: CheckpointArtifacts }) => {
      if (message.artifacts) {
        // What src/node/api-client.ts describeFile did for each checkpoint file on the main thread.
        for (const bytes of [message.artifacts.weights, message.artifacts.optimizer]) createHash('sha256').update(bytes).digest('hex');
      }
      setTimeout(resolve, 20);
    });
    worker.postMessage(mode);
  });
  histogram.disable();
  return histogram.max / 1e6;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { mb: { type: 'string', default: '135' }, repeats: { type: 'string', default: '5' } } });
  const mb = Number(values.mb);
  const entry = `require('tsx/cjs/api').register(); import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const worker = new Worker(entry, { eval: true, workerData: { mb } });
  console.log(`${mb} MB checkpoint, ${values.repeats} repeats, main-thread max event-loop delay (ms):`);
  for (const mode of ['baseline', 'clone-then-hash-on-main', 'hashed-in-worker-transferred'] as const) {
    const delays: number[] = [];
    for (let i = 0; i < Number(values.repeats); i++) delays.push(await measure(worker, mode));
    console.log(`  ${mode}: ${delays.map((d) => d.toFixed(1)).join(', ')}`);
  }
  await worker.terminate();
}

if (isMainThread) await main();
else serveCheckpoints();
