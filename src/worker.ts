// Cloudflare Workers entry (serverless mode): the same Hono app as src/server.ts, on D1 and R2 bindings (wrangler.toml).
import { createWorkerHandler } from './worker/worker-app';

export default createWorkerHandler();
