// Cloudflare Workers entry (serverless mode): the same Hono app as src/server.ts, on D1 and R2 bindings (wrangler.toml).
import { digestStreamSha256 } from './registry/adapters/blob/digest-stream-sha256';
import { createWorkerHandler } from './worker/worker-app';

export default createWorkerHandler({ sha256: digestStreamSha256 });
