// The settings both entry points (Node server, Worker) read from their environment — body limits, bootstrap
// admin key, log level, run leases — parsed by one set of rules, with no Node import so the Worker can use them.
import { parseToken } from './registry/api-keys';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const DEFAULT_JSON_LIMIT_BYTES = 1024 * 1024;
export const DEFAULT_UPLOAD_LIMIT_BYTES = 512 * 1024 * 1024;
export const DEFAULT_LEASE_SECONDS = 30;
export const DEFAULT_HEARTBEAT_SECONDS = 10;
export const DEFAULT_MAX_PREDICT_INSTANCES = 1024;

export type Env = Record<string, string | undefined>;

export interface SharedSettings {
  /** Token for the bootstrap admin key on an empty registry (null: the Node server makes a random one). */
  adminKey: string | null;
  jsonLimitBytes: number;
  uploadLimitBytes: number;
  logLevel: LogLevel;
  /** How long a claim or heartbeat holds a run before it is re-queued. */
  leaseSeconds: number;
  /** How often a node is told to heartbeat: shorter than the lease, so one late heartbeat loses nothing. */
  heartbeatSeconds: number;
  /** The most inputs one predict or infer request may hold (400 above). */
  maxPredictInstances: number;
}

/**
 * Reads DISTILLERY_ADMIN_KEY, DISTILLERY_JSON_LIMIT, DISTILLERY_UPLOAD_LIMIT, LOG_LEVEL, DISTILLERY_LEASE_SECONDS,
 * DISTILLERY_HEARTBEAT_SECONDS (which must be shorter than the lease) and DISTILLERY_MAX_PREDICT_INSTANCES;
 * ConfigError on unusable values.
 */
export function sharedSettingsFromEnv(env: Env): SharedSettings {
  const adminKey = nonEmpty(env.DISTILLERY_ADMIN_KEY);
  if (adminKey && !parseToken(adminKey)) {
    throw new ConfigError('DISTILLERY_ADMIN_KEY must look like dk_<id>_<secret>: id of a-z 0-9, secret of at least 16 of A-Z a-z 0-9 _ -');
  }
  const logLevel = (nonEmpty(env.LOG_LEVEL) ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const leaseSeconds = integerSetting(env, 'DISTILLERY_LEASE_SECONDS', DEFAULT_LEASE_SECONDS, 2);
  const heartbeatSeconds = integerSetting(env, 'DISTILLERY_HEARTBEAT_SECONDS', Math.min(DEFAULT_HEARTBEAT_SECONDS, leaseSeconds - 1), 1);
  if (heartbeatSeconds >= leaseSeconds) {
    throw new ConfigError(`DISTILLERY_HEARTBEAT_SECONDS (${heartbeatSeconds}) must be shorter than DISTILLERY_LEASE_SECONDS (${leaseSeconds})`);
  }
  return {
    adminKey: adminKey ?? null,
    jsonLimitBytes: integerSetting(env, 'DISTILLERY_JSON_LIMIT', DEFAULT_JSON_LIMIT_BYTES, 1),
    uploadLimitBytes: integerSetting(env, 'DISTILLERY_UPLOAD_LIMIT', DEFAULT_UPLOAD_LIMIT_BYTES, 1),
    logLevel: logLevel as LogLevel,
    leaseSeconds,
    heartbeatSeconds,
    maxPredictInstances: integerSetting(env, 'DISTILLERY_MAX_PREDICT_INSTANCES', DEFAULT_MAX_PREDICT_INSTANCES, 1),
  };
}

/** The trimmed value, or undefined when unset or blank. */
export function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * An integer setting of at least `min` written in plain decimal digits, `fallback` when unset;
 * ConfigError naming it otherwise. `Number()` alone would take `1e6`, `0x10` or `1.0` for numbers.
 */
export function integerSetting(env: Env, name: string, fallback: number, min: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min) throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}
