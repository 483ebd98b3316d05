// Presigned GET/PUT URLs for R2 objects through R2's S3-compatible endpoint, signed with aws4fetch (SigV4 on Web Crypto).
import { AwsV4Signer } from 'aws4fetch';

/** R2 API token credentials (R2 > Manage API tokens) and the bucket's name as the S3 endpoint knows it. */
export interface R2S3Credentials {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucketName: string;
  /**
   * S3 endpoint; defaults to `https://<accountId>.r2.cloudflarestorage.com`. Set it for a bucket
   * in a jurisdiction (`https://<accountId>.eu.r2.cloudflarestorage.com`) or a test server.
   */
  endpoint?: string;
}

export type R2Presigner = (method: 'GET' | 'PUT', key: string, expiresInSeconds: number) => Promise<string>;

/** SigV4 caps a presigned URL's life at 7 days. */
const MAX_EXPIRY_SECONDS = 7 * 24 * 3600;

export function createR2Presigner(credentials: R2S3Credentials): R2Presigner {
  const endpoint = (credentials.endpoint ?? `https://${credentials.accountId}.r2.cloudflarestorage.com`).replace(/\/+$/, '');
  return async (method, key, expiresInSeconds) => {
    if (!Number.isSafeInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_EXPIRY_SECONDS) {
      throw new RangeError(`presigned URL expiry must be 1..${MAX_EXPIRY_SECONDS} seconds, got ${expiresInSeconds}`);
    }
    // Path-style (`endpoint/bucket/key`), each segment encoded; the signer encodes the canonical path itself.
    const path = [credentials.bucketName, ...key.split('/')].map(encodeURIComponent).join('/');
    const url = new URL(`${endpoint}/${path}`);
    url.searchParams.set('X-Amz-Expires', String(expiresInSeconds));
    const signer = new AwsV4Signer({
      method,
      url: url.toString(),
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      service: 's3',
      region: 'auto',
      signQuery: true,
    });
    return (await signer.sign()).url.toString();
  };
}
