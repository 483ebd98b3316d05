// The Predictor port on Node: requests are batched per target, run on a pool of inference worker threads
// (loading each member from the blob store into a byte-bounded cache), and answered with their own rows.
import type { BlobStore, PredictionInput, PredictionOutput, Predictor, ServingTarget } from '../registry/ports';
import type { BackendPreference } from '../training/backend';
import { BatchingQueue, type BatchingSettings, type BatchRunner, type Queued } from './batching-queue';
import { InferenceFailedError, InvalidPredictionInputError, PredictorClosedError, PredictionQueueFullError } from './errors';
import { imageGeometry } from './images';
import type { BatchResult, WorkerBatch } from './inference-messages';
import { errorFromWorker, InferencePool, type InferenceWorker } from './inference-pool';
import { ModelCache } from './model-cache';
import { createServingMetrics } from './predictor-metrics';

export { DEFAULT_BATCHING, type BatchingSettings } from './batching-queue';

/** 512 MiB of loaded model copies (every worker's copy counts). */
export const DEFAULT_CACHE_BYTES = 512 * 1024 * 1024;

/** The server's logger fits: structured events with fields. */
export interface PredictorLogger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
}

export interface PredictorOptions {
  blobs: BlobStore;
  /** Inference worker threads (the server's default: availableParallelism()). */
  workers: number;
  /** Bytes of model artifacts the workers may hold loaded, all copies together. */
  cacheBytes: number;
  batching: BatchingSettings;
  backend: BackendPreference;
  logger?: PredictorLogger;
}

interface PendingRequest extends Queued {
  target: ServingTarget;
  input: PredictionInput;
  resolve(output: PredictionOutput): void;
  reject(error: unknown): void;
}

const rowSizeOf = (target: ServingTarget): number => target.inputShape.reduce((n, d) => n * d, 1);

/** Rows of a request, after checking they fit the target (the protocols check first; this guards the port). */
function rowsOf(target: ServingTarget, input: PredictionInput): number {
  if (input.kind === 'images') {
    if (input.images.length === 0) throw new InvalidPredictionInputError('a prediction needs at least one image');
    imageGeometry(target.inputShape);
    return input.images.length;
  }
  const expected = input.rows * rowSizeOf(target);
  if (!Number.isInteger(input.rows) || input.rows < 1 || input.values.length !== expected) {
    throw new InvalidPredictionInputError(
      `${input.rows} rows of shape [${target.inputShape.join(', ')}] need ${expected} values, not ${input.values.length}`,
    );
  }
  return input.rows;
}

/** The batch as the worker takes it: every tensor row copied once into one buffer it can move. */
function workerBatch(target: ServingTarget, requests: PendingRequest[]): WorkerBatch {
  const tensors = requests.flatMap(({ input }) => (input.kind === 'tensor' ? [input.values] : []));
  const tensorValues = new Float32Array(tensors.reduce((n, values) => n + values.length, 0));
  let offset = 0;
  for (const values of tensors) {
    tensorValues.set(values, offset);
    offset += values.length;
  }
  return {
    inputShape: target.inputShape,
    classes: target.classLabels.length,
    aggregation: target.aggregation,
    members: target.members.map(({ versionId, weight, normalization }) => ({ versionId, weight, normalization })),
    parts: requests.map(({ input }) => (input.kind === 'tensor' ? { kind: 'tensor', rows: input.rows } : { kind: 'images', images: input.images })),
    tensorValues,
  };
}

/** Answers each request with its own rows of the batch (views, not copies), or with its own failure. */
function answer(requests: PendingRequest[], result: BatchResult, classes: number): number {
  let row = 0;
  requests.forEach((request, i) => {
    const outcome = result.outcomes[i];
    if (!outcome?.ok) {
      request.reject(outcome ? errorFromWorker(outcome.error) : new Error('the worker gave no outcome for a request'));
      return;
    }
    const [from, to] = [row * classes, (row + request.rows) * classes];
    row += request.rows;
    request.resolve({
      probabilities: result.probabilities.subarray(from, to),
      memberProbabilities: result.memberProbabilities.map((member) => member.subarray(from, to)),
    });
  });
  return row;
}

export function createPredictor(options: PredictorOptions): Predictor {
  // With no worker nothing would ever run: requests would wait forever instead of failing.
  if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError(`inference workers must be a positive integer, not ${options.workers}`);
  const metrics = createServingMetrics();
  let closed = false;

  const cache = new ModelCache(options.cacheBytes, (worker, versionId) => {
    metrics.cacheEvictions.inc();
    pool.unload(worker, versionId);
  });
  const pool: InferencePool = new InferencePool({
    workers: options.workers,
    backend: options.backend,
    onIdle: () => queue.pump(),
    onWorkerLost: (index, error) => {
      cache.forgetWorker(index);
      options.logger?.warn('inference_worker_lost', { worker: index, error: error.message });
    },
  });

  /** Makes sure the worker holds every member, adding each to `pinned` (held until the batch ends). */
  async function loadMembers(worker: InferenceWorker, target: ServingTarget, pinned: string[]): Promise<void> {
    for (const member of target.members) {
      if (!cache.acquire(worker.index, member.versionId)) {
        // getBytes verifies each blob's sha256: a tampered artifact fails here with IntegrityError, before tfjs sees it.
        const [modelJson, weights] = await Promise.all([options.blobs.getBytes(member.modelJson), options.blobs.getBytes(member.weights)]);
        await worker.load(member.versionId, modelJson, weights);
        metrics.modelLoads.inc();
        cache.insert(worker.index, member.versionId, member.modelJson.size + member.weights.size);
      }
      pinned.push(member.versionId);
    }
  }

  async function runOn(worker: InferenceWorker, requests: PendingRequest[]): Promise<void> {
    const target = requests[0]!.target;
    const labels = { target: target.name };
    const pinned: string[] = [];
    try {
      await loadMembers(worker, target, pinned);
      const result = await worker.run(workerBatch(target, requests));
      metrics.computeSeconds.observe(result.computeSeconds, labels);
      metrics.rows.inc(labels, answer(requests, result, target.classLabels.length));
    } finally {
      cache.release(worker.index, pinned);
    }
  }

  const runner: BatchRunner<PendingRequest> = {
    idle: () => pool.hasIdleWorker(),
    async run(requests) {
      const target = requests[0]!.target;
      const labels = { target: target.name };
      // The worker already holding most of the target's members runs it: fewer loads, fewer copies.
      const worker = pool.acquire((index) => target.members.filter((member) => cache.holds(index, member.versionId)).length);
      if (!worker) {
        for (const request of requests) request.reject(new InferenceFailedError('no inference worker was free for a dispatched batch'));
        return;
      }
      const now = performance.now();
      metrics.batches.inc(labels);
      metrics.batchSize.observe(requests.reduce((n, request) => n + request.rows, 0), labels);
      for (const request of requests) metrics.queueDelay.observe((now - request.enqueuedAt) / 1000, labels);
      try {
        await runOn(worker, requests);
      } catch (error) {
        for (const request of requests) request.reject(error);
      } finally {
        pool.release(worker);
      }
    },
  };
  const queue = new BatchingQueue<PendingRequest>(options.batching, runner);
  pool.ready.then(
    () => options.logger?.info('inference_workers_ready', { workers: options.workers, backend: pool.backend() }),
    (error: unknown) => options.logger?.warn('inference_workers_failed', { error: error instanceof Error ? error.message : String(error) }),
  );

  async function predict(target: ServingTarget, input: PredictionInput): Promise<PredictionOutput> {
    const started = performance.now();
    const labels = { target: target.name };
    try {
      const rows = rowsOf(target, input);
      await pool.ready;
      if (closed) throw new PredictorClosedError('the predictor is closed');
      const output = await new Promise<PredictionOutput>((resolve, reject) => {
        queue.enqueue(target.key, target.name, { target, input, rows, enqueuedAt: performance.now(), resolve, reject });
      });
      metrics.requests.inc({ ...labels, outcome: 'ok' });
      metrics.latency.observe((performance.now() - started) / 1000, labels);
      return output;
    } catch (error) {
      metrics.requests.inc({ ...labels, outcome: error instanceof PredictionQueueFullError ? 'rejected' : 'error' });
      throw error;
    }
  }

  return {
    predict,
    backend() {
      const info = pool.backend();
      return info && { name: info.name, device: info.device, threads: info.threads, details: info.details };
    },
    metricsText() {
      metrics.cacheBytes.set(cache.bytes);
      metrics.cacheEntries.set(cache.size);
      return metrics.registry.text();
    },
    async close() {
      closed = true;
      for (const request of queue.drain()) request.reject(new PredictorClosedError('the predictor was closed before the request ran'));
      await pool.close();
    },
  };
}
