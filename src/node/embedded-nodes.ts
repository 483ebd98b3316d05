// The embedded default's training nodes: agents inside the server process (each training on a worker
// thread), talking to the server's own URL with a node key created for this start, revoked on close.
import { hostname } from 'node:os';
import type { Logger } from '../api/app-env';
import { threadsPerEngine } from '../training/backend/settings';
import { issueApiKey } from '../registry/api-keys';
import type { ApiKeyStore, Clock } from '../registry/ports';
import type { BackendPreference } from '../training/backend';
import { startNodeAgent, type NodeAgent, type NodeObserver } from './agent';

/** Claims over loopback cost next to nothing: an embedded node picks up a new run within a second. */
const EMBEDDED_IDLE_POLL_MS = { min: 200, max: 1000 };

export interface EmbeddedNodes {
  agents: NodeAgent[];
  /** Stops the agents (runs in progress are left to lease expiry), then revokes their key. */
  close(): Promise<void>;
}

export interface EmbeddedNodesOptions {
  count: number;
  /** The server's own base URL, reachable from this process. */
  apiUrl: string;
  backend: BackendPreference;
  deps: { repo: ApiKeyStore; clock: Clock };
  logger: Logger;
}

/** The nodes' starts, epochs and ends as the server's log lines (no batch lines: the run's events hold those). */
function loggerObserver(logger: Logger): NodeObserver {
  return {
    runStarted: ({ run, inputs }) => logger.info('node-run-started', { run: run.id, kind: run.kind, attempt: run.attempt, resumeEpoch: inputs.resume?.epoch ?? null }),
    runEnded: (runId, end) => logger.info('node-run-ended', { run: runId, ...end }),
    batch: () => {},
    epoch: (runId, metrics, seconds) =>
      logger.info('node-run-epoch', { run: runId, epoch: metrics.epoch, validationAccuracy: metrics.validationAccuracy, seconds }),
    log: (runId, message) => logger.warn('node-run', { run: runId, message }),
    notice: (message) => logger.warn('node', { message }),
  };
}

export async function startEmbeddedNodes({ count, apiUrl, backend, deps, logger }: EmbeddedNodesOptions): Promise<EmbeddedNodes> {
  // Never printed or logged: it lives only in this process, for as long as the server runs.
  const { record, token } = await issueApiKey(deps, { name: 'embedded training nodes', scopes: ['node'] });
  const revoke = () => deps.repo.revokeApiKey(record.id, deps.clock.now().toISOString());
  // The port keeps two servers on one host (scale mode) from registering as the same node.
  const port = new URL(apiUrl).port;
  const observer = loggerObserver(logger);
  const agents: NodeAgent[] = [];
  // Every embedded node computes in this one process: they split its cores between them.
  const threadsPerRun = threadsPerEngine(count);
  try {
    for (let i = 1; i <= count; i++) {
      const agent = await startNodeAgent({ apiUrl, token, backend, threadsPerRun, name: `embedded-${hostname()}-${port}-${i}`, observer, idlePollMs: EMBEDDED_IDLE_POLL_MS });
      // Its key revoked by hand: the node has stopped claiming; one line says so, the server goes on.
      void agent.ended.then((end) => {
        if (end.reason === 'key-refused') logger.error('node-stopped', { node: agent.node.name, message: end.error.message });
      });
      agents.push(agent);
    }
  } catch (error) {
    await Promise.all(agents.map((agent) => agent.stop()));
    await revoke();
    throw error;
  }
  return {
    agents,
    close: async () => {
      await Promise.all(agents.map((agent) => agent.stop()));
      await revoke();
    },
  };
}
