// The service a reproduction talks to: one given by --api, or the embedded default started here, in this
// process, with its SQLite file, blobs and log under `<out>/service` and `--nodes` in-process training
// nodes. In-process, so that killing the reproduction never leaves a server behind holding the files.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { configFromEnv } from '../../config';
import { startServer } from '../../server';
import { createJsonLogger } from '../../server/json-logger';

export interface Service {
  url: string;
  token: string;
  /** Stops the embedded service (its nodes leave a run in progress to its lease); nothing for --api. */
  close(): Promise<void>;
}

/** A key in the form DISTILLERY_ADMIN_KEY takes, kept in the state file so that a resumed start signs in again. */
export const newEmbeddedAdminKey = () => `dk_reproduce_${randomBytes(24).toString('base64url')}`;

export async function startEmbeddedService(out: string, nodes: number, adminKey: string): Promise<Service> {
  const dataDir = join(out, 'service');
  await mkdir(dataDir, { recursive: true });
  const log = createWriteStream(join(dataDir, 'service.log'), { flags: 'a' });
  const config = configFromEnv({
    ...process.env,
    // The embedded default whatever the shell exports: SQLite and a local folder, on loopback.
    DATABASE_URL: '',
    S3_BUCKET: '',
    DISTILLERY_DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    DISTILLERY_ADMIN_KEY: adminKey,
    DISTILLERY_EMBEDDED_NODES: String(nodes),
    // Nothing is served for prediction here: one inference thread, so the cores train.
    DISTILLERY_INFERENCE_WORKERS: '1',
  });
  const logger = createJsonLogger(config.logLevel, (line) => log.write(`${line}\n`));
  const server = await startServer(config, { logger });
  return {
    url: server.url,
    token: adminKey,
    close: async () => {
      await server.close();
      await new Promise((resolve) => log.end(resolve));
    },
  };
}
