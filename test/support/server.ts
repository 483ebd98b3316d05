// Test support: starts the real server (SQLite file and local-folder blobs in a temp dir, the tfjs
// inspector) on a free port, with a typed client holding the bootstrap admin key.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDistilleryClient, type DistilleryClient } from '../../openapi/client';
import type { AppDeps, Logger } from '../../src/api/app-env';
import { configFromEnv, type ServerConfig } from '../../src/config';
import type { Clock } from '../../src/registry/ports';
import { startServer, type RunningServer } from '../../src/server';
import { bearerFetch } from './requests';

export interface TestServer {
  baseUrl: string;
  /** Typed client authenticated with the admin key. */
  client: DistilleryClient;
  adminKey: string;
  deps: AppDeps;
  /** The server's in-process training nodes (none unless config.embeddedNodes asks for them). */
  embeddedNodes: RunningServer['embeddedNodes'];
  /** The temp data directory (SQLite file and blobs), removed by close(). */
  dataDir: string;
  /** Log lines the server wrote, for asserting on request logging. */
  logs: { level: string; event: string; fields: Record<string, unknown> }[];
  /** Raw fetch of `path` with `Authorization: Bearer <apiKey>` (the admin key unless given; null sends none). */
  fetch(path: string, init?: RequestInit, apiKey?: string | null): Promise<Response>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Overrides of the env-derived config (limits, admin key, database URL, S3 bucket…). */
  config?: Partial<ServerConfig>;
  /** Environment the adapters read (the S3 endpoint and credentials); empty by default. */
  env?: Record<string, string>;
  /** The server's clock (test/support/clock.ts); the system clock by default. */
  clock?: Clock;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'distillery-test-'));
  const base = configFromEnv({});
  const config: ServerConfig = {
    ...base,
    host: '127.0.0.1',
    port: 0,
    dataDir,
    // A test that wants a training node in the server asks for one (embeddedNodes: 1).
    embeddedNodes: 0,
    // One inference worker thread: prediction tests need no more, and the others start servers by the dozen.
    serving: { ...base.serving, workers: 1 },
    ...options.config,
  };
  const logs: TestServer['logs'] = [];
  const record = (level: string): Logger[keyof Logger] => (event, fields = {}) => void logs.push({ level, event, fields });
  const logger: Logger = { info: record('info'), warn: record('warn'), error: record('error') };
  const running = await startServer(config, { env: options.env ?? {}, logger, clock: options.clock });
  const adminKey = running.bootstrapAdminKey;
  if (!adminKey) throw new Error('a fresh test server must create a bootstrap admin key');
  return {
    baseUrl: running.url,
    client: createDistilleryClient(running.url, adminKey),
    adminKey,
    deps: running.deps,
    embeddedNodes: running.embeddedNodes,
    dataDir,
    logs,
    fetch: bearerFetch(running.url, adminKey),
    close: async () => {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
