// Test support for `npm run reproduce`: the script as a child process (tsx, as the npm script starts it),
// with its stderr lines visible while it runs, so a test can act when a given line appears.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ReproduceProcess {
  child: ChildProcess;
  /** Everything printed on stderr so far. */
  stderr(): string;
  /** Resolves with the first stderr line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

export function startReproduce(args: string[], env: Record<string, string> = {}): ReproduceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/reproduce/main.ts', ...args], {
    cwd: REPO_ROOT,
    // Short leases: a run left behind by a killed start is taken over within seconds.
    env: { ...process.env, DISTILLERY_LEASE_SECONDS: '4', DISTILLERY_HEARTBEAT_SECONDS: '1', DATABASE_URL: '', S3_BUCKET: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve(match: RegExpMatchArray): void }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of [...waiters]) {
      const match = stderr.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return {
    child,
    stderr: () => stderr,
    exited,
    waitForLine(pattern, timeoutMs = 120_000) {
      const already = stderr.match(pattern);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} in:\n${stderr}`)), timeoutMs);
        waiters.push({ pattern, resolve: (match) => (clearTimeout(timer), resolve(match)) });
        void exited.then(() => reject(new Error(`exited before a line matching ${pattern}:\n${stderr}`)));
      });
    },
  };
}
