// workerConfigFromEnv: the Node server's rules for the shared settings, and R2's S3 credentials all or none.
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_HEARTBEAT_SECONDS, DEFAULT_JSON_LIMIT_BYTES, DEFAULT_LEASE_SECONDS, DEFAULT_MAX_PREDICT_INSTANCES, DEFAULT_UPLOAD_LIMIT_BYTES } from '../../src/env-settings';
import type { WorkerEnv } from '../../src/worker/bindings';
import { workerConfigFromEnv } from '../../src/worker/worker-config';

// The bindings are never read while parsing the configuration.
const env = (vars: Omit<WorkerEnv, 'DB' | 'BLOBS'>): WorkerEnv => ({ DB: null as never, BLOBS: null as never, ...vars });
const R2_S3 = { R2_ACCOUNT_ID: 'acc', R2_ACCESS_KEY_ID: 'key', R2_SECRET_ACCESS_KEY: 'secret', R2_BUCKET_NAME: 'blobs' };

describe('workerConfigFromEnv', () => {
  it('defaults like the Node server, with no presigning', () => {
    expect(workerConfigFromEnv(env({}))).toEqual({
      adminKey: null,
      jsonLimitBytes: DEFAULT_JSON_LIMIT_BYTES,
      uploadLimitBytes: DEFAULT_UPLOAD_LIMIT_BYTES,
      logLevel: 'info',
      leaseSeconds: DEFAULT_LEASE_SECONDS,
      heartbeatSeconds: DEFAULT_HEARTBEAT_SECONDS,
      maxPredictInstances: DEFAULT_MAX_PREDICT_INSTANCES,
      r2S3: null,
    });
  });

  it('reads every var and secret', () => {
    const config = workerConfigFromEnv(env({
      DISTILLERY_ADMIN_KEY: 'dk_admin_0123456789abcdef',
      DISTILLERY_JSON_LIMIT: '2048',
      DISTILLERY_UPLOAD_LIMIT: ' 4096 ',
      LOG_LEVEL: 'WARN',
      DISTILLERY_LEASE_SECONDS: '60',
      DISTILLERY_HEARTBEAT_SECONDS: '15',
      ...R2_S3,
    }));
    expect(config).toEqual({
      adminKey: 'dk_admin_0123456789abcdef',
      jsonLimitBytes: 2048,
      uploadLimitBytes: 4096,
      logLevel: 'warn',
      leaseSeconds: 60,
      maxPredictInstances: DEFAULT_MAX_PREDICT_INSTANCES,
      heartbeatSeconds: 15,
      r2S3: { accountId: 'acc', accessKeyId: 'key', secretAccessKey: 'secret', bucketName: 'blobs' },
    });
  });

  it('refuses what the Node server refuses', () => {
    for (const notDecimal of ['1e6', '0x10', '1.0', '+5', '-1', '100MB']) {
      expect(() => workerConfigFromEnv(env({ DISTILLERY_UPLOAD_LIMIT: notDecimal })), notDecimal).toThrow(/DISTILLERY_UPLOAD_LIMIT must be an integer/);
    }
    expect(() => workerConfigFromEnv(env({ DISTILLERY_JSON_LIMIT: '0' }))).toThrow(ConfigError);
    expect(() => workerConfigFromEnv(env({ LOG_LEVEL: 'loud' }))).toThrow(/LOG_LEVEL/);
    expect(() => workerConfigFromEnv(env({ DISTILLERY_ADMIN_KEY: 'not-a-key' }))).toThrow(/DISTILLERY_ADMIN_KEY/);
  });

  it('refuses some R2 S3 credentials without the others, naming the missing ones', () => {
    const { R2_SECRET_ACCESS_KEY: _secret, ...partial } = R2_S3;
    expect(() => workerConfigFromEnv(env({ ...partial, R2_BUCKET_NAME: ' ' }))).toThrow(/missing R2_SECRET_ACCESS_KEY, R2_BUCKET_NAME$/);
  });
});
