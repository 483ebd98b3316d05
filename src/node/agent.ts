// The training node agent: registers with the API, then keeps up to `concurrency` runs going, each
// on a training thread of its own, claiming the next one when a thread is free and backing off while
// the queue is empty. It talks to the API only.
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BackendInfo, BackendPreference } from '../training/backend';
import { threadsPerEngine } from '../training/backend/settings';
import { createNodeApiClient, NodeApiError, type NodeApiClient } from './api-client';
import type { Assignment, RegisteredNode } from './protocol-types';
import { startRunSession, type RunEnd, type RunObserver, type RunSession } from './run-session';
import { startTrainingThread, type TrainingThread } from './training-thread';

const NODE_VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

export interface NodeAgentOptions {
  /** Base URL of the API. */
  apiUrl: string;
  /** A key with the `node` scope. */
  token: string;
  /** The node's name; registering again under it keeps the node's id. The host name by default. */
  name?: string;
  backend?: BackendPreference;
  /** Runs trained at once, each on its own thread. */
  concurrency?: number;
  /**
   * Native (oneDNN) threads per run; by default the process's DISTILLERY_THREADS shared among the
   * `concurrency` runs. Embedded nodes share them among all the nodes of the process.
   */
  threadsPerRun?: number;
  /** Wait after an empty claim: starts at `min`, doubles up to `max` while the queue stays empty. */
  idlePollMs?: { min: number; max: number };
  observer?: NodeObserver;
}

/** What a terminal (or a test) sees of the node. */
export interface NodeObserver extends RunObserver {
  runStarted(assignment: Assignment): void;
  runEnded(runId: string, end: RunEnd): void;
  /** A line about the node itself: a claim or thread failure it recovered from, shutdown. */
  notice(message: string): void;
}

const DEFAULT_IDLE_POLL_MS = { min: 500, max: 5000 };
/** How long stop() waits for runs to reach their next batch before terminating their threads. */
const STOP_GRACE_MS = 10_000;

/** The API refused the node's key: revoked, unknown, or not the key the node registered with. Retrying cannot help. */
export class NodeKeyRefusedError extends Error {
  override readonly name = 'NodeKeyRefusedError';
  constructor(cause: NodeApiError) {
    super(`the API refused this node's key (${cause.message}): it was revoked, or is not the key this node registered with; start the node with a current key with the node scope`);
  }
}

/** How the agent stopped: stop() was called, or the API refused its key (nothing more is claimed). */
export type NodeEnd = { reason: 'stopped' } | { reason: 'key-refused'; error: NodeKeyRefusedError };

export interface NodeAgent {
  readonly node: RegisteredNode;
  /** Resolves once the agent has stopped and its threads are gone, saying why. */
  readonly ended: Promise<NodeEnd>;
  readonly backend: BackendInfo;
  /** The ids of the runs training now. */
  currentRunIds(): string[];
  /**
   * Claims nothing more; runs in progress stop at their next batch and are left to lease expiry,
   * so the next attempt resumes from their latest checkpoint. Resolves when the threads are gone.
   */
  stop(): Promise<void>;
}

const silentObserver: NodeObserver = { runStarted() {}, runEnded() {}, batch() {}, epoch() {}, log() {}, notice() {} };

export async function startNodeAgent(options: NodeAgentOptions): Promise<NodeAgent> {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
  const observer = options.observer ?? silentObserver;
  const idle = options.idlePollMs ?? DEFAULT_IDLE_POLL_MS;
  const preference = options.backend ?? 'auto';
  const api = createNodeApiClient({ apiUrl: options.apiUrl, token: options.token });

  const threadsPerRun = options.threadsPerRun ?? threadsPerEngine(concurrency);
  const threads = await Promise.all(Array.from({ length: concurrency }, () => startTrainingThread(preference, threadsPerRun)));
  const backend = (threads[0] as TrainingThread).backend;
  let node: RegisteredNode;
  try {
    node = await api.registerNode({
      name: options.name ?? hostname(),
      backend: backend.name,
      device: backend.device,
      version: NODE_VERSION,
      capabilities: { concurrency, package: backend.package, threads: backend.threads, simd: backend.simd, details: backend.details },
    });
  } catch (error) {
    await Promise.all(threads.map((thread) => thread.terminate()));
    throw error instanceof NodeApiError && error.status === 401 ? new NodeKeyRefusedError(error) : error;
  }

  const stopping = new AbortController();
  const sessions = new Set<RunSession>();
  const live = new Set(threads);
  let halted: Promise<void> | null = null;
  const halt = () => (halted ??= haltSlots());
  let refusal: NodeKeyRefusedError | null = null;
  const refuseKey = (error: NodeApiError) => {
    refusal ??= new NodeKeyRefusedError(error);
    void halt();
  };
  const slots = threads.map((thread) => runSlot(api, node, thread, { preference, threadsPerRun, idle, observer, sessions, live, signal: stopping.signal, refuseKey }));
  const ended = Promise.all(slots).then((): NodeEnd => (refusal ? { reason: 'key-refused', error: refusal } : { reason: 'stopped' }));

  async function haltSlots(): Promise<void> {
    stopping.abort();
    for (const session of sessions) session.interrupt();
    // A run stops at its next batch; one stuck longer (a huge batch, a hung kernel) loses its thread.
    const stopped = Promise.all(slots);
    const timeout = sleep(STOP_GRACE_MS, 'timeout' as const, { ref: false });
    if ((await Promise.race([stopped, timeout])) === 'timeout') {
      await Promise.all([...live].map((thread) => thread.terminate()));
      await stopped;
    }
  }

  return {
    node,
    backend,
    ended,
    currentRunIds: () => [...sessions].map((session) => session.runId),
    stop: halt,
  };
}

interface SlotContext {
  preference: BackendPreference;
  threadsPerRun: number;
  idle: { min: number; max: number };
  observer: NodeObserver;
  sessions: Set<RunSession>;
  /** The threads running now (a slot replaces one that died). */
  live: Set<TrainingThread>;
  signal: AbortSignal;
  /** The API refused the key on a claim: the node stops (runs in progress are left to lease expiry). */
  refuseKey(error: NodeApiError): void;
}

/** Sleeps unless the node stops first. */
const pause = (ms: number, signal: AbortSignal) => sleep(ms, undefined, { signal }).catch(() => undefined);

/** One thread's loop: claim, train, report, repeat; resolves (thread terminated) once the node stops. */
async function runSlot(api: NodeApiClient, node: RegisteredNode, first: TrainingThread, context: SlotContext): Promise<void> {
  const { observer, signal, idle } = context;
  let thread: TrainingThread | null = first;
  let wait = idle.min;
  try {
    while (!signal.aborted) {
      thread ??= await restartThread(context);
      if (!thread) {
        await pause(idle.max, signal);
        continue;
      }
      let assignment: Assignment | null;
      try {
        assignment = await api.claim(node.id);
      } catch (error) {
        // 401: the key is revoked or unknown; 403: the node is registered under another key.
        if (error instanceof NodeApiError && (error.status === 401 || error.status === 403)) context.refuseKey(error);
        else observer.notice(`claim failed: ${error instanceof NodeApiError ? error.message : String(error)}`);
        assignment = null;
      }
      if (assignment && signal.aborted) {
        // Claimed while stopping: nothing new starts now, so its lease expires and it goes back to the queue.
        observer.notice(`run ${assignment.run.id} claimed while stopping: left to lease expiry`);
        break;
      }
      if (!assignment) {
        await pause(wait, signal);
        wait = Math.min(wait * 2, idle.max);
        continue;
      }
      wait = idle.min;
      observer.runStarted(assignment);
      const session = startRunSession(api, thread, assignment, observer);
      context.sessions.add(session);
      const end = await session.ended;
      context.sessions.delete(session);
      observer.runEnded(assignment.run.id, end);
      if (end.status === 'failed' && end.error.type.startsWith('training-thread-')) {
        // The thread died under the run: a fresh one takes the next.
        context.live.delete(thread);
        await thread.terminate();
        thread = null;
      }
    }
  } finally {
    if (thread) context.live.delete(thread);
    await thread?.terminate();
  }
}

async function restartThread(context: SlotContext): Promise<TrainingThread | null> {
  try {
    const thread = await startTrainingThread(context.preference, context.threadsPerRun);
    context.live.add(thread);
    return thread;
  } catch (error) {
    context.observer.notice(`training thread did not start: ${String(error)}`);
    return null;
  }
}
