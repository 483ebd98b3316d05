// The server's configuration, read from environment variables once at start-up.
import { join } from 'node:path';
import { parseToken } from './registry/api-keys';

export interface ServerConfig {
  port: number;
  host: string;
  /** `postgres://…` selects PostgreSQL; null selects the SQLite file in the data directory. */
  databaseUrl: string | null;
  dataDir: string;
  /** S3 bucket for blobs; null selects the local folder `<dataDir>/blobs`. */
  s3Bucket: string | null;
  /** Token for the bootstrap admin key on an empty registry (random when null). */
  adminKey: string | null;
  jsonLimitBytes: number;
  uploadLimitBytes: number;
  logLevel: LogLevel;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const DEFAULT_JSON_LIMIT_BYTES = 1024 * 1024;
export const DEFAULT_UPLOAD_LIMIT_BYTES = 512 * 1024 * 1024;

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
  const adminKey = nonEmpty(env.DISTILLERY_ADMIN_KEY);
  if (adminKey && !parseToken(adminKey)) {
    throw new ConfigError('DISTILLERY_ADMIN_KEY must look like dk_<id>_<secret>: id of a-z 0-9, secret of at least 16 of A-Z a-z 0-9 _ -');
  }
  const logLevel = (nonEmpty(env.LOG_LEVEL) ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  return {
    port: integer(env, 'PORT', 8080, 0),
    host: nonEmpty(env.HOST) ?? '0.0.0.0',
    databaseUrl: databaseUrl ?? null,
    dataDir: nonEmpty(env.DISTILLERY_DATA_DIR) ?? './data',
    s3Bucket: nonEmpty(env.S3_BUCKET) ?? null,
    adminKey: adminKey ?? null,
    jsonLimitBytes: integer(env, 'DISTILLERY_JSON_LIMIT', DEFAULT_JSON_LIMIT_BYTES, 1),
    uploadLimitBytes: integer(env, 'DISTILLERY_UPLOAD_LIMIT', DEFAULT_UPLOAD_LIMIT_BYTES, 1),
    logLevel: logLevel as LogLevel,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function integer(env: Record<string, string | undefined>, name: string, fallback: number, min: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}
