// The model cache: bounded in bytes over every loaded copy, least recently used first, never evicting a copy in use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Predictor } from '../../src/registry/ports';
import { ModelCache } from '../../src/serving/model-cache';
import { createPredictor } from '../../src/serving/predictor';
import { softmaxRows } from '../../src/training/softmax';
import { distinctRows, logitsOf, metricValue, storeModel, tempBlobStore, versionTarget, type StoredModel, type TempBlobStore } from './serving-fixtures';

describe('ModelCache', () => {
  function recordingCache(budget: number) {
    const evicted: string[] = [];
    const cache = new ModelCache(budget, (worker, versionId) => evicted.push(`${worker}:${versionId}`));
    return { cache, evicted };
  }

  it('evicts the least recently used copies once over budget, counting each worker’s copy', () => {
    const { cache, evicted } = recordingCache(250);
    cache.insert(0, 'a', 100);
    cache.insert(1, 'a', 100);
    cache.release(0, ['a']);
    cache.release(1, ['a']);
    expect(cache.acquire(0, 'a')).toBe(true);
    cache.release(0, ['a']);
    cache.insert(0, 'b', 100);
    cache.release(0, ['b']);
    expect(evicted).toEqual(['1:a']);
    expect(cache.bytes).toBe(200);
    expect(cache.size).toBe(2);
    expect(cache.evictions).toBe(1);
  });

  it('keeps copies a running batch uses even over budget, and evicts them once released', () => {
    const { cache, evicted } = recordingCache(150);
    cache.insert(0, 'a', 100);
    cache.insert(0, 'b', 100);
    expect(evicted).toEqual([]);
    expect(cache.bytes).toBe(200);
    cache.release(0, ['a', 'b']);
    expect(evicted).toEqual(['0:a']);
    expect(cache.holds(0, 'b')).toBe(true);
  });

  it('forgets a lost worker’s copies without disposing them', () => {
    const { cache, evicted } = recordingCache(1000);
    cache.insert(0, 'a', 100);
    cache.insert(1, 'a', 100);
    cache.forgetWorker(0);
    expect(cache.holds(0, 'a')).toBe(false);
    expect(cache.bytes).toBe(100);
    expect(evicted).toEqual([]);
  });
});

describe('the predictor’s cache', () => {
  const SHAPE: [number, number, number] = [4, 4, 1];
  let store: TempBlobStore;
  let predictor: Predictor;
  let models: StoredModel[];

  beforeAll(async () => {
    store = await tempBlobStore();
    models = [];
    for (const seed of [1, 2, 3]) models.push(await storeModel(store.blobs, { versionId: `m${seed}`, inputShape: SHAPE, classes: 2, seed }));
    const largest = Math.max(...models.map((model) => model.bytes));
    // Room for two models, not three.
    predictor = createPredictor({
      blobs: store.blobs,
      workers: 1,
      cacheBytes: Math.floor(largest * 2.5),
      backend: 'cpu',
      batching: { maxBatchSize: 64, maxQueueDelayMs: 0, maxQueuedRows: 1024, overrides: {} },
    });
  });

  afterAll(async () => {
    await predictor.close();
    await store.remove();
  });

  const ask = async (model: StoredModel) => {
    const values = distinctRows(2, 16, 5);
    const output = await predictor.predict(versionTarget(model), { kind: 'tensor', rows: 2, values });
    const expected = softmaxRows(logitsOf(model, values, 2), 2);
    output.probabilities.forEach((p, i) => expect(p).toBeCloseTo(expected[i]!, 5));
  };
  const metric = (name: string) => metricValue(predictor.metricsText(), name);

  it('loads each model once while they fit', async () => {
    await ask(models[0]!);
    await ask(models[0]!);
    await ask(models[1]!);
    expect(metric('distillery_model_loads_total')).toBe(2);
    expect(metric('distillery_model_cache_entries')).toBe(2);
    expect(metric('distillery_model_cache_bytes')).toBe(models[0]!.bytes + models[1]!.bytes);
    expect(metric('distillery_model_cache_evictions_total')).toBe(0);
  });

  it('evicts the least recently used model when a third one loads, and reloads it when asked again', async () => {
    await ask(models[2]!);
    expect(metric('distillery_model_cache_evictions_total')).toBe(1);
    expect(metric('distillery_model_cache_entries')).toBe(2);
    expect(metric('distillery_model_cache_bytes')).toBe(models[1]!.bytes + models[2]!.bytes);
    await ask(models[0]!);
    expect(metric('distillery_model_loads_total')).toBe(4);
    expect(metric('distillery_model_cache_evictions_total')).toBe(2);
    expect(metric('distillery_model_cache_bytes')).toBe(models[2]!.bytes + models[0]!.bytes);
  });
});
