// `distillery node`: runs a training node against an API until SIGINT or SIGTERM, or until the API
// refuses its key (revoked): then it stops with NodeKeyRefusedError, which the CLI prints, exiting 1.
import { parseArgs } from 'node:util';
import { BACKEND_PREFERENCES, type BackendPreference } from '../training/backend/settings';
import { startNodeAgent, type NodeAgentOptions } from './agent';
import { linesObserver, progressBarObserver } from './terminal-progress';

export const NODE_USAGE = `Usage: distillery node --api URL --token T [--backend auto|tensorflow|wasm|cpu] [--concurrency N] [--name NAME]

  --api URL          The Distillery API (env DISTILLERY_API).
  --token T          An API key with the node scope (env DISTILLERY_TOKEN).
  --backend B        tfjs backend: auto (default; env DISTILLERY_BACKEND), tensorflow, wasm or cpu.
  --concurrency N    Runs trained at once, each in its own worker thread (default 1).
  --name NAME        The node's name; the same name keeps the same node id (default: the host name).

Stops on SIGINT/SIGTERM: claims nothing more; a run in progress stops and is left to its lease,
after which another attempt resumes it from its latest checkpoint. A second signal exits at once.
Stops the same way, exiting 1, when the API refuses the key (revoked, or not the node's key).
`;


/** A command line the node cannot run with; the message says what to change. */
export class NodeUsageError extends Error {
  override readonly name = 'NodeUsageError';
}

function parseNodeArgs(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        api: { type: 'string' },
        token: { type: 'string' },
        backend: { type: 'string' },
        concurrency: { type: 'string' },
        name: { type: 'string' },
      },
    });
  } catch (error) {
    // An unknown flag or a missing value: a usage mistake like the others, not a crash.
    throw new NodeUsageError(error instanceof Error ? error.message : String(error));
  }
}

/** The agent's options from the command line, with the environment's as fallbacks. */
export function nodeOptionsFromArgs(args: string[], env: Record<string, string | undefined> = process.env): NodeAgentOptions {
  const { values } = parseNodeArgs(args);
  const apiUrl = values.api ?? env.DISTILLERY_API;
  const token = values.token ?? env.DISTILLERY_TOKEN;
  if (!apiUrl) throw new NodeUsageError('node needs --api URL (or DISTILLERY_API)');
  if (!/^https?:\/\//.test(apiUrl)) throw new NodeUsageError(`--api must be an http(s) URL, got "${apiUrl}"`);
  if (!token) throw new NodeUsageError('node needs --token T (or DISTILLERY_TOKEN), a key with the node scope');
  const backend = (values.backend ?? env.DISTILLERY_BACKEND ?? 'auto').toLowerCase();
  if (!(BACKEND_PREFERENCES as readonly string[]).includes(backend)) throw new NodeUsageError(`--backend must be one of ${BACKEND_PREFERENCES.join(', ')}, got "${backend}"`);
  const concurrency = values.concurrency === undefined ? 1 : /^\d+$/.test(values.concurrency) ? Number(values.concurrency) : Number.NaN;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new NodeUsageError(`--concurrency must be an integer >= 1, got "${values.concurrency}"`);
  return { apiUrl, token, backend: backend as BackendPreference, concurrency, ...(values.name ? { name: values.name } : {}) };
}

export async function runNodeCommand(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(NODE_USAGE);
    return;
  }
  const options = nodeOptionsFromArgs(args);
  const bars = process.stdout.isTTY ? progressBarObserver(process.stdout) : null;
  const observer = bars ?? linesObserver((line) => process.stdout.write(`${line}\n`));
  const agent = await startNodeAgent({ ...options, observer });
  const { node, backend } = agent;
  observer.notice(`node "${node.name}" registered (${backend.name} on ${backend.device}: ${backend.details}); waiting for runs`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    observer.notice(`${signal}: stopping (runs in progress are left to their lease; send it again to exit at once)`);
    agent.stop().catch((error: unknown) => observer.notice(`stopping failed: ${String(error)}`));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const end = await agent.ended;
  bars?.stop();
  if (end.reason === 'key-refused') throw end.error;
}
