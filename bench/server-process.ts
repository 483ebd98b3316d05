// A Distillery server in a child process for benchmarks: `src/server.ts` on a random local port with a known admin
// key, the JSON API helper and the wait for /health that every HTTP benchmark needs.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface BenchServer {
  base: string;
  auth: { Authorization: string };
  /** JSON request to the API as the admin key; throws with the problem on a non-2xx answer. */
  api<T>(path: string, init?: RequestInit): Promise<T>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the server with `env` over the process environment, and waits until /health answers. */
export async function startBenchServer(env: Record<string, string>, adminKey = `dk_bench_${randomBytes(24).toString('base64url')}`): Promise<BenchServer> {
  const port = 18_000 + Math.floor(Math.random() * 1000);
  const base = `http://127.0.0.1:${port}`;
  const auth = { Authorization: `Bearer ${adminKey}` };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DISTILLERY_ADMIN_KEY: adminKey, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  for (let tries = 0; ; tries++) {
    if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) break;
    if (tries > 600 || child.exitCode !== null) {
      await stop();
      throw new Error('the server did not start');
    }
    await sleep(100);
  }
  async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
    const headers = init.body instanceof FormData ? { ...auth, ...init.headers } : { ...auth, 'Content-Type': 'application/json', ...init.headers };
    const response = await fetch(`${base}${path}`, { ...init, headers });
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }
  return { base, auth, api, stop };
}
