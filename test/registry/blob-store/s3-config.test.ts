// s3ConfigFromEnv: how the Node entry point turns environment variables into an S3 blob store config.
import { describe, expect, it } from 'vitest';
import { S3ConfigError, s3ConfigFromEnv } from '../../../src/registry/adapters/blob/s3-config';

describe('s3ConfigFromEnv', () => {
  it('reads an S3-compatible endpoint with static credentials and defaults to path-style for it', () => {
    expect(
      s3ConfigFromEnv({
        S3_ENDPOINT: 'http://127.0.0.1:9000',
        S3_BUCKET: 'checkpoints',
        S3_REGION: 'auto',
        AWS_ACCESS_KEY_ID: 'id',
        AWS_SECRET_ACCESS_KEY: 'secret',
      }),
    ).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'checkpoints',
      region: 'auto',
      forcePathStyle: true,
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
    });
  });

  it('leaves AWS S3 to virtual-hosted style and the SDK credential chain when no keys are given', () => {
    expect(s3ConfigFromEnv({ S3_BUCKET: 'b', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'id only' })).toEqual({
      bucket: 'b',
      region: 'eu-west-1',
      forcePathStyle: false,
    });
    expect(s3ConfigFromEnv({ S3_BUCKET: 'b' }).region).toBe('us-east-1');
  });

  it('lets S3_FORCE_PATH_STYLE override the default and passes a session token along', () => {
    const config = s3ConfigFromEnv({
      S3_BUCKET: 'b',
      S3_ENDPOINT: 'https://acct.r2.cloudflarestorage.com',
      S3_FORCE_PATH_STYLE: 'false',
      AWS_ACCESS_KEY_ID: 'id',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
    });
    expect(config.forcePathStyle).toBe(false);
    expect(config.credentials).toEqual({ accessKeyId: 'id', secretAccessKey: 'secret', sessionToken: 'token' });
  });

  it('refuses a missing bucket, a malformed endpoint and an unreadable boolean', () => {
    expect(() => s3ConfigFromEnv({})).toThrow(S3ConfigError);
    expect(() => s3ConfigFromEnv({ S3_BUCKET: ' ' })).toThrow(/S3_BUCKET/);
    expect(() => s3ConfigFromEnv({ S3_BUCKET: 'b', S3_ENDPOINT: 'not a url' })).toThrow(/S3_ENDPOINT/);
    expect(() => s3ConfigFromEnv({ S3_BUCKET: 'b', S3_FORCE_PATH_STYLE: 'maybe' })).toThrow(/S3_FORCE_PATH_STYLE/);
  });
});
