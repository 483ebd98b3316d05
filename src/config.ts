// The server's configuration, read from environment variables once at start-up.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ConfigError, integerSetting, nonEmpty, sharedSettingsFromEnv, type SharedSettings } from './env-settings';
import { DEFAULT_BATCHING, DEFAULT_CACHE_BYTES, type BatchingSettings, type PredictorOptions } from './serving/predictor';

export { ConfigError, DEFAULT_JSON_LIMIT_BYTES, DEFAULT_UPLOAD_LIMIT_BYTES, type LogLevel } from './env-settings';

/** The Node server's configuration: the settings shared with the Worker, plus where it listens and stores. */
export interface ServerConfig extends SharedSettings {
  port: number;
  host: string;
  /** `postgres://…` selects PostgreSQL; null selects the SQLite file in the data directory. */
  databaseUrl: string | null;
  dataDir: string;
  /** S3 bucket for blobs; null selects the local folder `<dataDir>/blobs`. */
  s3Bucket: string | null;
  /** Training nodes run inside this process (worker threads), each with concurrency 1; 0 turns them off. */
  embeddedNodes: number;
  serving: ServingSettings;
}

/** The prediction serving layer's knobs, as createPredictor (src/serving/predictor.ts) takes them. */
export type ServingSettings = Pick<PredictorOptions, 'workers' | 'cacheBytes' | 'batching'>;

type BatchingOverride = BatchingSettings['overrides'][string];

export function sqliteFile(config: Pick<ServerConfig, 'dataDir'>): string {
  return join(config.dataDir, 'distillery.sqlite');
}

export function blobFolder(config: Pick<ServerConfig, 'dataDir'>): string {
  return join(config.dataDir, 'blobs');
}

export function configFromEnv(env: Record<string, string | undefined>): ServerConfig {
  const databaseUrl = nonEmpty(env.DATABASE_URL);
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset for SQLite)');
  }
  return {
    port: integerSetting(env, 'PORT', 8080, 0),
    host: nonEmpty(env.HOST) ?? '0.0.0.0',
    databaseUrl: databaseUrl ?? null,
    dataDir: nonEmpty(env.DISTILLERY_DATA_DIR) ?? './data',
    s3Bucket: nonEmpty(env.S3_BUCKET) ?? null,
    embeddedNodes: integerSetting(env, 'DISTILLERY_EMBEDDED_NODES', 1, 0),
    serving: servingSettingsFromEnv(env),
    ...sharedSettingsFromEnv(env),
  };
}

/**
 * Reads DISTILLERY_INFERENCE_WORKERS (default: the cores), DISTILLERY_MODEL_CACHE_BYTES, DISTILLERY_MAX_BATCH_SIZE,
 * DISTILLERY_BATCH_DELAY_MS, DISTILLERY_MAX_QUEUED_ROWS and DISTILLERY_BATCHING_OVERRIDES.
 */
function servingSettingsFromEnv(env: Record<string, string | undefined>): ServingSettings {
  return {
    workers: integerSetting(env, 'DISTILLERY_INFERENCE_WORKERS', availableParallelism(), 1),
    cacheBytes: integerSetting(env, 'DISTILLERY_MODEL_CACHE_BYTES', DEFAULT_CACHE_BYTES, 1),
    batching: {
      maxBatchSize: integerSetting(env, 'DISTILLERY_MAX_BATCH_SIZE', DEFAULT_BATCHING.maxBatchSize, 1),
      maxQueueDelayMs: integerSetting(env, 'DISTILLERY_BATCH_DELAY_MS', DEFAULT_BATCHING.maxQueueDelayMs, 0),
      maxQueuedRows: integerSetting(env, 'DISTILLERY_MAX_QUEUED_ROWS', DEFAULT_BATCHING.maxQueuedRows, 1),
      overrides: batchingOverrides(nonEmpty(env.DISTILLERY_BATCHING_OVERRIDES)),
    },
  };
}

const OVERRIDE_MINIMUMS: Record<keyof BatchingOverride, number> = { maxBatchSize: 1, maxQueueDelayMs: 0 };

/** `{ "<model or ensemble>": { "maxBatchSize": n, "maxQueueDelayMs": n } }`; ConfigError naming what is wrong. */
function batchingOverrides(raw: string | undefined): Record<string, BatchingOverride> {
  if (raw === undefined) return {};
  const fail = (why: string) => new ConfigError(`DISTILLERY_BATCHING_OVERRIDES ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw fail('must be JSON: { "<model or ensemble>": { "maxBatchSize": n, "maxQueueDelayMs": n } }');
  }
  if (!isPlainObject(parsed)) throw fail('must be a JSON object by model or ensemble name');
  return Object.fromEntries(
    Object.entries(parsed).map(([name, override]) => {
      if (!isPlainObject(override)) throw fail(`["${name}"] must be an object`);
      for (const [knob, value] of Object.entries(override)) {
        const min = OVERRIDE_MINIMUMS[knob as keyof BatchingOverride];
        if (min === undefined) throw fail(`["${name}"] has unknown setting "${knob}" (known: maxBatchSize, maxQueueDelayMs)`);
        if (!Number.isSafeInteger(value) || (value as number) < min) throw fail(`["${name}"].${knob} must be an integer >= ${min}`);
      }
      return [name, override as BatchingOverride];
    }),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
