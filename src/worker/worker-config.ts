// The Worker's configuration from its vars and secrets: the settings shared with the Node server, and R2's S3 credentials.
import { ConfigError, nonEmpty, sharedSettingsFromEnv, type SharedSettings } from '../env-settings';
import type { R2S3Credentials } from '../registry/adapters/blob/r2-presigner';
import type { WorkerEnv } from './bindings';

export interface WorkerConfig extends SharedSettings {
  /** Credentials for presigned URLs through R2's S3 endpoint, or null: then bytes go through the API. */
  r2S3: R2S3Credentials | null;
}

const R2_S3_VARIABLES = ['R2_ACCOUNT_ID', 'R2_ACCESS_KEY_ID', 'R2_SECRET_ACCESS_KEY', 'R2_BUCKET_NAME'] as const;

/**
 * Reads the settings shared with the Node server (env-settings.ts) by its rules, and the four R2_* variables, which are all set or all unset; ConfigError otherwise.
 */
export function workerConfigFromEnv(env: WorkerEnv): WorkerConfig {
  const { DB: _database, BLOBS: _bucket, ...vars } = env;
  const strings: Record<string, string | undefined> = vars;
  const [accountId, accessKeyId, secretAccessKey, bucketName] = R2_S3_VARIABLES.map((name) => nonEmpty(strings[name]));
  const missing = R2_S3_VARIABLES.filter((name) => nonEmpty(strings[name]) === undefined);
  if (missing.length > 0 && missing.length < R2_S3_VARIABLES.length) {
    throw new ConfigError(`presigned URLs need all of ${R2_S3_VARIABLES.join(', ')}; missing ${missing.join(', ')}`);
  }
  return {
    ...sharedSettingsFromEnv(strings),
    r2S3: missing.length === 0 ? { accountId: accountId!, accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey!, bucketName: bucketName! } : null,
  };
}
