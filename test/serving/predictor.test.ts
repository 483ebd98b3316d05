// The Node predictor end to end: real tfjs models in a real blob store, run on inference worker threads.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntegrityError } from '../../src/registry/errors';
import type { Predictor, ServingTarget } from '../../src/registry/ports';
import { softmaxRows } from '../../src/training/softmax';
import { combineMemberLogits } from '../../src/training/ensemble-combination';
import { ENSEMBLE_AGGREGATIONS } from '../../src/training/spec';
import { InferenceFailedError, PredictionQueueFullError, PredictorClosedError } from '../../src/serving/errors';
import { createPredictor, DEFAULT_BATCHING } from '../../src/serving/predictor';
import {
  distinctRows,
  ensembleTarget,
  logitsOf,
  metricValue,
  storeLayersModel,
  storeModel,
  tempBlobStore,
  versionTarget,
  type StoredModel,
  type TempBlobStore,
} from './serving-fixtures';

const SHAPE: [number, number, number] = [4, 4, 1];
const ROW = 16;
const CLASSES = 3;
/** Long enough that only a full batch leaves the queue: what the test decides, not the clock. */
const NEVER = 600_000;

let store: TempBlobStore;
let predictor: Predictor;
let first: StoredModel;
let second: StoredModel;
let third: StoredModel;

beforeAll(async () => {
  store = await tempBlobStore();
  const stored = (seed: number) => storeModel(store.blobs, { versionId: `v${seed}`, inputShape: SHAPE, classes: CLASSES, seed });
  [first, second, third] = await Promise.all([stored(1), stored(2), stored(3)]);
  predictor = createPredictor({
    blobs: store.blobs,
    workers: 2,
    cacheBytes: 64 * 1024 * 1024,
    backend: 'cpu',
    batching: {
      maxBatchSize: 64,
      maxQueueDelayMs: 2,
      maxQueuedRows: 64,
      overrides: {
        coalesced: { maxBatchSize: 8, maxQueueDelayMs: NEVER },
        unbatched: { maxBatchSize: 1 },
        crowded: { maxBatchSize: 64, maxQueueDelayMs: NEVER },
        closing: { maxQueueDelayMs: NEVER },
      },
    },
  });
});

afterAll(async () => {
  await predictor.close();
  await store.remove();
});

const tensor = (rows: number, seed: number) => ({ kind: 'tensor' as const, rows, values: distinctRows(rows, ROW, seed) });

function expectProbabilitiesClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 5));
}

describe('predict for one version', () => {
  it('answers probabilities that sum to 1 per row and equal the softmax of the model’s own tfjs output', async () => {
    const input = tensor(5, 1);
    const output = await predictor.predict(versionTarget(first), input);
    expect(output.probabilities).toHaveLength(5 * CLASSES);
    for (let r = 0; r < 5; r++) {
      const row = output.probabilities.subarray(r * CLASSES, (r + 1) * CLASSES);
      expect(row.reduce((n, p) => n + p, 0)).toBeCloseTo(1, 5);
    }
    expectProbabilitiesClose(output.probabilities, softmaxRows(logitsOf(first, input.values, 5), CLASSES));
    expect(output.memberProbabilities).toHaveLength(1);
    expectProbabilitiesClose(output.memberProbabilities[0]!, output.probabilities);
  });

  it('leaves the caller’s input untouched (the batch is copied once, then moved to the worker)', async () => {
    const input = tensor(2, 9);
    const before = input.values.slice();
    await predictor.predict(versionTarget(first), input);
    expect(input.values).toEqual(before);
  });
  it('answers a model that ends in a softmax with its own output (its probabilities are not squashed again)', async () => {
    const softmaxModel = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: SHAPE }), tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: 'glorotNormal' })],
    });
    const stored = await storeLayersModel(store.blobs, 'softmax-out', softmaxModel);
    const input = tensor(3, 8);
    const output = await predictor.predict(versionTarget(stored), input);
    expectProbabilitiesClose(output.probabilities, logitsOf(stored, input.values, 3));
  });
});

describe('predict for an ensemble', () => {
  it.each(ENSEMBLE_AGGREGATIONS)('%s equals combineMemberLogits of its members’ logits', async (aggregation) => {
    const target = ensembleTarget(`ensemble-${aggregation}`, [
      { stored: first, weight: 1 },
      { stored: second, weight: 2 },
      { stored: third, weight: 1 },
    ], aggregation);
    const input = tensor(4, 2);
    const output = await predictor.predict(target, input);
    const expected = combineMemberLogits(
      [first, second, third].map((stored) => logitsOf(stored, input.values, 4)),
      target.members.map((member) => member.weight),
      aggregation,
      CLASSES,
    );
    expectProbabilitiesClose(output.probabilities, expected.probabilities);
    expect(output.memberProbabilities).toHaveLength(3);
    output.memberProbabilities.forEach((member, m) => expectProbabilitiesClose(member, expected.memberProbabilities[m]!));
  });
});

describe('batching', () => {
  const batchesOf = (target: ServingTarget) => metricValue(predictor.metricsText(), 'distillery_predict_batches_total', { target: target.name });

  it('coalesces concurrent requests for one target into one batch and gives every caller its own rows', async () => {
    const target = versionTarget(second, 'coalesced');
    // 8 single-row requests fill one batch of 8: it leaves when full, never by the clock.
    const inputs = Array.from({ length: 8 }, (_, i) => tensor(1, 100 + i));
    const outputs = await Promise.all(inputs.map((input) => predictor.predict(target, input)));
    expect(batchesOf(target)).toBe(1);
    outputs.forEach((output, i) => expectProbabilitiesClose(output.probabilities, softmaxRows(logitsOf(second, inputs[i]!.values, 1), CLASSES)));
    // Distinct inputs gave distinct answers, so a mix-up could not go unnoticed.
    expect(new Set(outputs.map((output) => output.probabilities.join(','))).size).toBe(8);
    const text = predictor.metricsText();
    expect(metricValue(text, 'distillery_predict_batch_size_count', { target: 'coalesced' })).toBe(1);
    expect(metricValue(text, 'distillery_predict_batch_size_sum', { target: 'coalesced' })).toBe(8);
    expect(metricValue(text, 'distillery_predict_rows_total', { target: 'coalesced' })).toBe(8);
    expect(metricValue(text, 'distillery_predict_requests_total', { target: 'coalesced', outcome: 'ok' })).toBe(8);
  });

  it('never splits a request: rows of several-row requests come back whole and in order', async () => {
    const target = versionTarget(second, 'coalesced');
    const inputs = [tensor(3, 200), tensor(5, 201)];
    const outputs = await Promise.all(inputs.map((input) => predictor.predict(target, input)));
    expect(batchesOf(target)).toBe(2);
    outputs.forEach((output, i) => expectProbabilitiesClose(output.probabilities, softmaxRows(logitsOf(second, inputs[i]!.values, inputs[i]!.rows), CLASSES)));
  });

  it('runs one batch per request with batching off (maxBatchSize 1)', async () => {
    const target = versionTarget(third, 'unbatched');
    await Promise.all(Array.from({ length: 6 }, (_, i) => predictor.predict(target, tensor(1, 300 + i))));
    expect(batchesOf(target)).toBe(6);
  });

  it('refuses a request that would overfill the target’s queue with PredictionQueueFullError', async () => {
    const target = versionTarget(first, 'crowded');
    const waiting = predictor.predict(target, tensor(60, 400));
    await expect(predictor.predict(target, tensor(10, 401))).rejects.toBeInstanceOf(PredictionQueueFullError);
    // 60 + 4 rows fill the batch of 64, which then runs: the refused request changed nothing.
    const [big, small] = await Promise.all([waiting, predictor.predict(target, tensor(4, 402))]);
    expect(big.probabilities).toHaveLength(60 * CLASSES);
    expect(small.probabilities).toHaveLength(4 * CLASSES);
    const text = predictor.metricsText();
    expect(metricValue(text, 'distillery_predict_requests_total', { target: 'crowded', outcome: 'rejected' })).toBe(1);
    expect(metricValue(text, 'distillery_predict_requests_total', { target: 'crowded', outcome: 'ok' })).toBe(2);
  });

  it('says how full the queue was and when to retry', async () => {
    const target = versionTarget(first, 'crowded');
    const waiting = predictor.predict(target, tensor(64 - 1, 410));
    const refused = await predictor.predict(target, tensor(2, 411)).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 503, type: 'prediction-queue-full', retryAfterSeconds: 1, details: { queuedRows: 63, maxQueuedRows: 64 } });
    await Promise.all([waiting, predictor.predict(target, tensor(1, 412))]);
  });
});

describe('artifact integrity', () => {
  it('fails the request with IntegrityError when a blob does not match its sha256, and caches nothing', async () => {
    const stored = await storeModel(store.blobs, { versionId: 'tampered', inputShape: SHAPE, classes: CLASSES, seed: 7 });
    const target = versionTarget(stored, 'tampered');
    target.members[0]!.weights = { ...target.members[0]!.weights, sha256: '0'.repeat(64) };
    const before = predictor.metricsText();
    await expect(predictor.predict(target, tensor(1, 500))).rejects.toBeInstanceOf(IntegrityError);
    const after = predictor.metricsText();
    for (const name of ['distillery_model_loads_total', 'distillery_model_cache_entries', 'distillery_model_cache_bytes']) {
      expect(metricValue(after, name)).toBe(metricValue(before, name));
    }
    expect(metricValue(after, 'distillery_predict_requests_total', { target: 'tampered', outcome: 'error' })).toBe(1);
  });
});

describe('metrics', () => {
  it('render every serving series in the Prometheus text format', () => {
    const text = predictor.metricsText();
    for (const name of [
      'distillery_predict_requests_total',
      'distillery_predict_rows_total',
      'distillery_predict_batches_total',
      'distillery_model_cache_evictions_total',
      'distillery_model_loads_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} counter`);
    }
    for (const name of ['distillery_predict_batch_size', 'distillery_predict_queue_delay_seconds', 'distillery_predict_latency_seconds', 'distillery_predict_compute_seconds']) {
      expect(text).toContain(`# TYPE ${name} histogram`);
      expect(metricValue(text, `${name}_bucket`, { target: 'coalesced', le: '+Inf' })).toBe(metricValue(text, `${name}_count`, { target: 'coalesced' }));
    }
    expect(text).toContain('# TYPE distillery_model_cache_bytes gauge');
    expect(metricValue(text, 'distillery_model_cache_entries')).toBeGreaterThan(0);
  });
});

describe('close', () => {
  it('rejects queued requests and refuses new ones once closed', async () => {
    const queued = predictor.predict(versionTarget(first, 'closing'), tensor(1, 600));
    const rejection = expect(queued).rejects.toBeInstanceOf(PredictorClosedError);
    // Let it reach the queue (past the predictor's wait for its workers), where it would wait for ten minutes.
    await new Promise((resolve) => setImmediate(resolve));
    expect(metricValue(predictor.metricsText(), 'distillery_predict_requests_total', { target: 'closing', outcome: 'ok' })).toBe(0);
    await predictor.close();
    await rejection;
    await expect(predictor.predict(versionTarget(first), tensor(1, 601))).rejects.toBeInstanceOf(PredictorClosedError);
  });
});

describe('a backend that cannot start', () => {
  it('fails requests with InferenceFailedError naming it, rather than leaving them waiting', async () => {
    // tfjs-node is not installed here: the explicit 'tensorflow' preference cannot start.
    const broken = createPredictor({ blobs: store.blobs, workers: 1, cacheBytes: 1024, backend: 'tensorflow', batching: DEFAULT_BATCHING });
    try {
      const refused = await broken.predict(versionTarget(first), tensor(1, 700)).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(InferenceFailedError);
      expect((refused as Error).message).toMatch(/tensorflow/);
    } finally {
      await broken.close();
    }
  });
});
