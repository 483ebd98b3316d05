// Test support for the node suites: a dataset registered over HTTP, runs created and awaited with the
// generated client, node keys, and training node processes spawned the way an operator starts them.
import { spawn, type ChildProcess } from 'node:child_process';
import type { components } from '../../openapi/schema';
import { REPO_ROOT } from '../architecture/import-graph';
import { datasetUploadForm } from '../support/requests';
import type { TestServer } from '../support/server';
import { BAND_LABELS, bandIdxFiles } from './fixtures';

export type CreateRun = components['schemas']['CreateRun'];
/** What these helpers need of an API: the Node test server, or the Worker on workerd. */
export type ApiTarget = Pick<TestServer, 'client' | 'fetch'>;
export type Run = components['schemas']['Run'];

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/** Registers `name`: a few hundred learnable 8x8 images in four classes, with a test split. */
export async function registerBandDataset(server: ApiTarget, name: string, trainCount = 300): Promise<{ id: string }> {
  const form = datasetUploadForm({ name, format: 'idx', class_labels: JSON.stringify(BAND_LABELS) }, bandIdxFiles(trainCount, 60));
  const response = await server.fetch('/v1/datasets', { method: 'POST', body: form });
  if (response.status !== 201) throw new Error(`registering dataset ${name}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string };
}

export async function createRun(server: ApiTarget, body: CreateRun): Promise<Run> {
  const { data, error } = await server.client.POST('/v1/runs', { body });
  if (!data) throw new Error(`creating run: ${JSON.stringify(error)}`);
  return data;
}

export async function getRun(server: ApiTarget, id: string): Promise<Run> {
  const { data, error } = await server.client.GET('/v1/runs/{id}', { params: { path: { id } } });
  if (!data) throw new Error(`reading run ${id}: ${JSON.stringify(error)}`);
  return data;
}

/** Polls until `done(run)` (by default: the run has finished); throws with the run as it was after `timeoutMs`. */
export async function waitForRun(server: ApiTarget, id: string, timeoutMs = 60_000, done = (run: Run) => FINISHED.has(run.status)): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(server, id);
    if (done(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} did not get there in ${timeoutMs} ms: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export type RunEvent = { id: number; kind: string; epoch: number | null; attempt: number; metrics: Record<string, number> };

/** Every event of the run, oldest first, page after page. */
export async function runEvents(server: ApiTarget, runId: string): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for (let after: number | null = 0; after !== null; ) {
    const response = await server.fetch(`/v1/runs/${runId}/events?after=${after}&limit=500`);
    if (!response.ok) throw new Error(`events of run ${runId}: ${response.status} ${await response.text()}`);
    const page = (await response.json()) as { items: RunEvent[]; next: number | null };
    events.push(...page.items);
    after = page.next;
  }
  return events;
}

export type RunCheckpoint = { epoch: number; attempt: number; isBest: boolean };

/** The run's checkpoints, in attempt then epoch order. */
export async function runCheckpoints(server: ApiTarget, runId: string): Promise<RunCheckpoint[]> {
  const response = await server.fetch(`/v1/runs/${runId}/checkpoints`);
  if (!response.ok) throw new Error(`checkpoints of run ${runId}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { items: RunCheckpoint[] }).items;
}

/** A fresh key with the `node` scope, as an operator issues one for a training machine. */
export async function issueNodeKey(server: ApiTarget, name: string): Promise<string> {
  const { data, error } = await server.client.POST('/v1/keys', { body: { name, scopes: ['node'] } });
  if (!data) throw new Error(`issuing a node key: ${JSON.stringify(error)}`);
  return data.token;
}

export interface NodeProcess {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the exit code (or signal) once it has exited. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/** `distillery node` in a process of its own, on the CPU backend (the same on every machine). */
export function spawnNode(apiUrl: string, token: string, name: string): NodeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'node', '--api', apiUrl, '--token', token, '--name', name, '--backend', 'cpu'], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  return { child, output: () => output, exited };
}

/** SIGTERM, then waits for the process to go. */
export async function stopNode(node: NodeProcess): Promise<void> {
  if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGTERM');
  await node.exited;
}
