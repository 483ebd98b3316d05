// The server's configuration, read from environment variables once at start-up.
import { join } from 'node:path';
import { ConfigError, integerSetting, nonEmpty, sharedSettingsFromEnv, type SharedSettings } from './env-settings';

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
}

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
    ...sharedSettingsFromEnv(env),
  };
}
