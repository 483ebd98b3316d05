// configFromEnv: defaults, adapter selection and refusal of unusable values.
import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import {
  ConfigError,
  DEFAULT_JSON_LIMIT_BYTES,
  DEFAULT_UPLOAD_LIMIT_BYTES,
  blobFolder,
  configFromEnv,
  sqliteFile,
} from '../../src/config';
import { DEFAULT_HEARTBEAT_SECONDS, DEFAULT_LEASE_SECONDS, DEFAULT_MAX_PREDICT_INSTANCES } from '../../src/env-settings';
import { DEFAULT_BATCHING, DEFAULT_CACHE_BYTES } from '../../src/serving/predictor';

describe('configFromEnv', () => {
  it('defaults to port 8080, SQLite and local blobs under ./data', () => {
    const config = configFromEnv({});
    expect(config).toEqual({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: null,
      dataDir: './data',
      s3Bucket: null,
      adminKey: null,
      jsonLimitBytes: DEFAULT_JSON_LIMIT_BYTES,
      uploadLimitBytes: DEFAULT_UPLOAD_LIMIT_BYTES,
      logLevel: 'info',
      embeddedNodes: 1,
      leaseSeconds: DEFAULT_LEASE_SECONDS,
      heartbeatSeconds: DEFAULT_HEARTBEAT_SECONDS,
      maxPredictInstances: DEFAULT_MAX_PREDICT_INSTANCES,
      serving: {
        workers: availableParallelism(),
        cacheBytes: DEFAULT_CACHE_BYTES,
        batching: DEFAULT_BATCHING,
      },
    });
    expect(sqliteFile(config)).toBe('data/distillery.sqlite');
    expect(blobFolder(config)).toBe('data/blobs');
  });

  it('reads every variable', () => {
    const config = configFromEnv({
      PORT: '9000',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://u@db/distillery',
      DISTILLERY_DATA_DIR: '/var/lib/distillery',
      S3_BUCKET: 'checkpoints',
      DISTILLERY_ADMIN_KEY: 'dk_admin_0123456789abcdef',
      DISTILLERY_JSON_LIMIT: '2048',
      DISTILLERY_UPLOAD_LIMIT: '1048576',
      LOG_LEVEL: 'WARN',
      DISTILLERY_EMBEDDED_NODES: '0',
      DISTILLERY_LEASE_SECONDS: '120',
      DISTILLERY_HEARTBEAT_SECONDS: '20',
      DISTILLERY_MAX_PREDICT_INSTANCES: '16',
      DISTILLERY_INFERENCE_WORKERS: '3',
      DISTILLERY_MODEL_CACHE_BYTES: '1000000',
      DISTILLERY_MAX_BATCH_SIZE: '8',
      DISTILLERY_BATCH_DELAY_MS: '0',
      DISTILLERY_MAX_QUEUED_ROWS: '100',
      DISTILLERY_BATCHING_OVERRIDES: '{"cnn-small": {"maxBatchSize": 1}, "big": {"maxQueueDelayMs": 5, "maxBatchSize": 128}}',
    });
    expect(config).toEqual({
      port: 9000,
      host: '127.0.0.1',
      databaseUrl: 'postgres://u@db/distillery',
      dataDir: '/var/lib/distillery',
      s3Bucket: 'checkpoints',
      adminKey: 'dk_admin_0123456789abcdef',
      jsonLimitBytes: 2048,
      uploadLimitBytes: 1048576,
      logLevel: 'warn',
      embeddedNodes: 0,
      leaseSeconds: 120,
      heartbeatSeconds: 20,
      maxPredictInstances: 16,
      serving: {
        workers: 3,
        cacheBytes: 1000000,
        batching: { maxBatchSize: 8, maxQueueDelayMs: 0, maxQueuedRows: 100, overrides: { 'cnn-small': { maxBatchSize: 1 }, big: { maxQueueDelayMs: 5, maxBatchSize: 128 } } },
      },
    });
  });

  it('treats empty values as unset', () => {
    expect(configFromEnv({ PORT: '', DATABASE_URL: ' ', S3_BUCKET: '' })).toMatchObject({ port: 8080, databaseUrl: null, s3Bucket: null });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '-1' }, 'PORT'],
    [{ DISTILLERY_UPLOAD_LIMIT: '1.5' }, 'DISTILLERY_UPLOAD_LIMIT'],
    [{ DISTILLERY_MAX_PREDICT_INSTANCES: '0' }, 'DISTILLERY_MAX_PREDICT_INSTANCES'],
    [{ DISTILLERY_INFERENCE_WORKERS: '0' }, 'DISTILLERY_INFERENCE_WORKERS'],
    [{ DISTILLERY_MAX_BATCH_SIZE: '0' }, 'DISTILLERY_MAX_BATCH_SIZE'],
    [{ DISTILLERY_BATCHING_OVERRIDES: 'not json' }, 'DISTILLERY_BATCHING_OVERRIDES'],
    [{ DISTILLERY_BATCHING_OVERRIDES: '[1]' }, 'DISTILLERY_BATCHING_OVERRIDES'],
    [{ DISTILLERY_BATCHING_OVERRIDES: '{"m": {"maxBatchSize": 0}}' }, 'DISTILLERY_BATCHING_OVERRIDES'],
    [{ DISTILLERY_BATCHING_OVERRIDES: '{"m": {"batch": 4}}' }, 'DISTILLERY_BATCHING_OVERRIDES'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ DISTILLERY_ADMIN_KEY: 'hunter2' }, 'DISTILLERY_ADMIN_KEY'],
    [{ DISTILLERY_EMBEDDED_NODES: 'one' }, 'DISTILLERY_EMBEDDED_NODES'],
    [{ DISTILLERY_LEASE_SECONDS: '1' }, 'DISTILLERY_LEASE_SECONDS'],
    [{ DISTILLERY_LEASE_SECONDS: '20', DISTILLERY_HEARTBEAT_SECONDS: '20' }, 'DISTILLERY_HEARTBEAT_SECONDS'],
  ])('refuses %o naming %s', (env, name) => {
    expect(() => configFromEnv(env)).toThrow(ConfigError);
    expect(() => configFromEnv(env)).toThrow(name);
  });
});
