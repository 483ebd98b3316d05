// Test support for the CLI suites: runs `distillery` as a child process, as bin/distillery.js starts it (tsx).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The API and key a command talks to, through the environment a user would set. */
export interface CliTarget {
  baseUrl: string;
  token: string;
}

/** Runs `distillery ...args` against `target` and waits for it to exit. */
export function runCli(target: CliTarget, args: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    // A non-TTY stdout: `runs follow` prints plain lines.
    env: { ...process.env, DISTILLERY_API: target.baseUrl, DISTILLERY_TOKEN: target.token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** stdout of a command that must succeed, parsed as the JSON `--json` prints. */
export async function cliJson<T>(target: CliTarget, args: string[]): Promise<T> {
  const result = await runCli(target, [...args, '--json']);
  if (result.code !== 0) throw new Error(`distillery ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
