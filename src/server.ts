// Node entry (the embedded default): reads the config, chooses the adapters, serves the API over HTTP,
// prints the bootstrap admin key once, and shuts down cleanly on SIGINT/SIGTERM.
import { serve, type ServerType } from '@hono/node-server';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AppDeps, Logger } from './api/app-env';
import { createApp } from './api/app';
import { SWAGGER_UI_FILES } from './api/routes/docs';
import { blobFolder, configFromEnv, sqliteFile, type ServerConfig } from './config';
import { createNodeBuiltinDatasets } from './registry/adapters/builtin-datasets';
import { createLocalFolderBlobStore } from './registry/adapters/blob/local-folder-blob-store';
import { createS3BlobStore, s3ConfigFromEnv } from './registry/adapters/blob/s3-blob-store';
import { openPostgresRepository, openSqliteRepository } from './registry/adapters/sql';
import { ensureBootstrapAdminKey } from './registry/api-keys';
import type { BlobStore, Clock, Predictor, Repository } from './registry/ports';
import { createPredictor } from './serving/predictor';
import { createTfjsModelInspector } from './serving/tfjs-model-inspector';
import { createJsonLogger } from './server/json-logger';
import { createFolderAssets } from './server/folder-assets';
import { startEmbeddedNodes, type EmbeddedNodes } from './node/embedded-nodes';
import { backendPreferenceFromEnv } from './training/backend';

/** What the /docs page loads and the source maps a browser's tools ask for: not the package's demo pages. */
const DOCS_FILES = SWAGGER_UI_FILES.flatMap((file) => [file, `${file}.map`]);

export interface RunningServer {
  /** Base URL with the port actually bound, e.g. `http://127.0.0.1:8080`. */
  url: string;
  deps: AppDeps;
  /** The bootstrap admin token when this start created it (first start), else null. */
  bootstrapAdminKey: string | null;
  /** The in-process training nodes (config.embeddedNodes of them). */
  embeddedNodes: EmbeddedNodes['agents'];
  close(): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

async function openRepository(config: ServerConfig): Promise<Repository> {
  if (config.databaseUrl) return openPostgresRepository({ url: config.databaseUrl });
  await mkdir(config.dataDir, { recursive: true });
  return openSqliteRepository({ file: sqliteFile(config) });
}

/** A blob store and how to release what it holds open (the S3 client's sockets). */
function openBlobStore(config: ServerConfig, env: Record<string, string | undefined>): { store: BlobStore; close(): void } {
  if (config.s3Bucket) {
    const store = createS3BlobStore(s3ConfigFromEnv(env));
    return { store, close: () => store.close() };
  }
  return { store: createLocalFolderBlobStore({ root: blobFolder(config) }), close: () => {} };
}

export interface StartServerOptions {
  /** Environment the adapters read (S3 endpoint and credentials); `process.env` by default. */
  env?: Record<string, string | undefined>;
  logger?: Logger;
  /** Stamps everything the server records (keys, idempotency reservations, timestamps); the system clock by default. */
  clock?: Clock;
}

/** Starts the API on `config.host:config.port` (port 0 picks a free port). */
export async function startServer(
  config: ServerConfig,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createJsonLogger(config.logLevel);
  const repo = await openRepository(config);
  const blobs = openBlobStore(config, env);
  const predictor = createPredictor({ blobs: blobs.store, ...config.serving, backend: backendPreferenceFromEnv(env), logger });
  try {
    const deps: AppDeps = {
      repo,
      blobs: blobs.store,
      clock,
      inspector: createTfjsModelInspector(),
      limits: { jsonBytes: config.jsonLimitBytes, uploadBytes: config.uploadLimitBytes },
      leases: { leaseSeconds: config.leaseSeconds, heartbeatSeconds: config.heartbeatSeconds },
      logger,
      builtinDatasets: createNodeBuiltinDatasets(),
      docsAssets: createFolderAssets(dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json')), DOCS_FILES),
      // Built by `npm install` (the prepare script) or `npm run build:ui`.
      uiAssets: createFolderAssets(fileURLToPath(new URL('../dist/ui', import.meta.url))),
      predictor,
      predictLimits: { maxInstances: config.maxPredictInstances },
    };
    const bootstrapAdminKey = await ensureBootstrapAdminKey(repo, clock, { envKey: config.adminKey ?? undefined });
    const server = await listen(createApp(deps).fetch, config);
    const address = server.address() as AddressInfo;
    const nodes = await startNodes(config, env, deps, address).catch(async (error: unknown) => {
      await closeHttp(server);
      throw error;
    });
    return {
      url: serverUrl(address),
      deps,
      bootstrapAdminKey,
      embeddedNodes: nodes?.agents ?? [],
      close: () => closeAll(server, nodes, predictor, repo, blobs),
    };
  } catch (error) {
    await predictor.close();
    blobs.close();
    await repo.close();
    throw error;
  }
}

/** The embedded nodes, on a node key of their own, talking to this server by its loopback address. */
async function startNodes(config: ServerConfig, env: Record<string, string | undefined>, deps: AppDeps, address: AddressInfo): Promise<EmbeddedNodes | null> {
  if (config.embeddedNodes === 0) return null;
  return startEmbeddedNodes({
    count: config.embeddedNodes,
    apiUrl: `http://${loopbackHost(address)}:${address.port}`,
    backend: backendPreferenceFromEnv(env),
    deps,
    logger: deps.logger,
  });
}

/** A wildcard bind is reached over loopback; a specific address as it is. */
function loopbackHost(address: AddressInfo): string {
  if (address.address === '0.0.0.0') return '127.0.0.1';
  if (address.address === '::') return '[::1]';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

function serverUrl(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host === '0.0.0.0' || host === '[::]' ? 'localhost' : host}:${address.port}`;
}

/** Nodes first (their last writes still reach the server), then the server, then the inference workers and what it holds open. */
async function closeAll(server: ServerType, nodes: EmbeddedNodes | null, predictor: Predictor, repo: Repository, blobs: { close(): void }): Promise<void> {
  await nodes?.close();
  await closeHttp(server);
  await predictor.close();
  blobs.close();
  await repo.close();
}

function closeHttp(server: ServerType): Promise<void> {
  return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

function listen(fetch: (request: Request) => Response | Promise<Response>, config: ServerConfig): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: config.port, hostname: config.host }, () => resolve(server));
    server.once('error', reject);
  });
}

/** What to tell the operator about the admin key created on this start (nothing when none was). */
function bootstrapNotice(config: ServerConfig, token: string | null): string {
  if (!token) return '';
  // A key the operator chose is already known to them: never echo a secret from the environment.
  if (config.adminKey) return 'First start: created the admin API key given in DISTILLERY_ADMIN_KEY.\n';
  return `\nFirst start: created the admin API key below. It is shown only once; store it now.\n\n  ${token}\n\n`;
}

/** `npm start` / `distillery serve`: serves until SIGINT or SIGTERM. */
export async function serveFromEnv(env: Record<string, string | undefined> = process.env): Promise<void> {
  const config = configFromEnv(env);
  const running = await startServer(config, { env });
  process.stdout.write(`Distillery listening on ${running.url} (dashboard: ${running.url}/ui/, docs: ${running.url}/docs)\n${bootstrapNotice(config, running.bootstrapAdminKey)}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    running.deps.logger.info('shutdown', { signal });
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        running.deps.logger.error('shutdown-failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  serveFromEnv().catch((error: unknown) => {
    process.stderr.write(`Distillery failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
