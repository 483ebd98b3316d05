// The serving metrics the predictor keeps, by name as /metrics shows them (label `target` = the model's or ensemble's name).
import { MetricsRegistry } from './serving-metrics';

/** Rows per batch: powers of two up to the largest request the protocols accept. */
const ROW_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
/** From a fraction of a millisecond (server overhead) to seconds (a cold load of a large ensemble). */
const SECOND_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createServingMetrics() {
  const registry = new MetricsRegistry();
  const metrics = {
    registry,
    requests: registry.counter('distillery_predict_requests_total', 'Prediction requests by outcome: ok, error, or rejected (queue full).'),
    rows: registry.counter('distillery_predict_rows_total', 'Rows (instances) predicted.'),
    batches: registry.counter('distillery_predict_batches_total', 'Batches run by the inference workers.'),
    batchSize: registry.histogram('distillery_predict_batch_size', 'Rows per batch.', ROW_BUCKETS),
    queueDelay: registry.histogram('distillery_predict_queue_delay_seconds', 'Time a request waited in its batching queue.', SECOND_BUCKETS),
    latency: registry.histogram('distillery_predict_latency_seconds', 'Time from a request reaching the predictor to its answer.', SECOND_BUCKETS),
    computeSeconds: registry.histogram('distillery_predict_compute_seconds', 'Worker time per batch: decoding and every member run.', SECOND_BUCKETS),
    cacheBytes: registry.gauge('distillery_model_cache_bytes', 'Bytes of model artifacts loaded in the inference workers (every copy).'),
    cacheEntries: registry.gauge('distillery_model_cache_entries', 'Loaded model copies across the inference workers.'),
    cacheEvictions: registry.counter('distillery_model_cache_evictions_total', 'Model copies evicted from the cache (least recently used first).'),
    modelLoads: registry.counter('distillery_model_loads_total', 'Model copies loaded into an inference worker.'),
  };
  // Unlabelled counters are shown from the start (at 0), as Prometheus clients expect.
  metrics.cacheEvictions.inc({}, 0);
  metrics.modelLoads.inc({}, 0);
  return metrics;
}
