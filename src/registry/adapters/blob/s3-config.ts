// Configuration of the S3 blob store, and how the Node entry point reads it from the environment.

export interface S3BlobStoreConfig {
  /** Endpoint URL of a non-AWS server (R2, MinIO, s3rver…); omit for AWS S3. */
  endpoint?: string;
  bucket: string;
  /** AWS region, or what the server expects (`auto` for R2, anything for MinIO). */
  region: string;
  /** Path-style URLs (`endpoint/bucket/key`): what most non-AWS servers need. */
  forcePathStyle: boolean;
  /** Static credentials; omitted, the SDK's default chain applies (environment, profile, instance role…). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Bytes per multipart part (at least 5 MiB, S3's minimum). Default 8 MiB. */
  partSizeBytes?: number;
  /** Parts uploaded at the same time, each through a buffer of partSizeBytes reused for the next part: a long upload holds about partSizeBytes × partQueueSize. Default 2. */
  partQueueSize?: number;
}

/** The environment does not describe a usable S3 store. */
export class S3ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'S3ConfigError';
  }
}

/**
 * Reads `S3_BUCKET` (required), `S3_ENDPOINT`, `S3_REGION` (else `AWS_REGION`, else `us-east-1`),
 * `S3_FORCE_PATH_STYLE` (`true`/`false`; default true when an endpoint is set) and, when both are
 * present, `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`); without them the
 * SDK's default credential chain is used.
 *
 * @example createS3BlobStore(s3ConfigFromEnv(process.env))
 */
export function s3ConfigFromEnv(env: Record<string, string | undefined>): S3BlobStoreConfig {
  const bucket = nonEmpty(env.S3_BUCKET);
  if (bucket === undefined) throw new S3ConfigError('S3_BUCKET is not set');
  const endpoint = nonEmpty(env.S3_ENDPOINT);
  if (endpoint !== undefined && !URL.canParse(endpoint)) throw new S3ConfigError(`S3_ENDPOINT is not a URL: ${endpoint}`);
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  return {
    bucket,
    region: nonEmpty(env.S3_REGION) ?? nonEmpty(env.AWS_REGION) ?? 'us-east-1',
    forcePathStyle: parseBoolean('S3_FORCE_PATH_STYLE', env.S3_FORCE_PATH_STYLE) ?? endpoint !== undefined,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(accessKeyId !== undefined && secretAccessKey !== undefined
      ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) } }
      : {}),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function parseBoolean(name: string, value: string | undefined): boolean | undefined {
  const normalized = nonEmpty(value)?.toLowerCase();
  if (normalized === undefined) return undefined;
  if (['true', '1', 'yes'].includes(normalized)) return true;
  if (['false', '0', 'no'].includes(normalized)) return false;
  throw new S3ConfigError(`${name} must be true or false, not ${value}`);
}
