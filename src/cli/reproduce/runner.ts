// Runs the protocol's steps against the API: queues every step whose inputs are ready (so independent runs
// train at the same time, one per free node), follows them, records each outcome in the state file as it
// lands, and prints progress. A failed step is reported at once; the steps that do not need it go on.
import { ApiProblemError, expectData } from '../api';
import { duration, logLine, progressText } from './progress-lines';
import type { Step } from './protocol';
import type { StepRecord } from './state';
import { createEnsemble, evaluationScores, submitRun, versionById, type Run, type StepContext } from './step-requests';

export interface RunnerOptions {
  /** Saves the state file; called after every change. */
  save(): Promise<void>;
  pollMs: number;
  /** How often a running run's epoch and ETA are printed. */
  progressEveryMs: number;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
const MAX_FOLLOW_ERRORS = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs until every step has succeeded or nothing more can run; returns the steps that failed. */
export async function runSteps(ctx: StepContext, steps: Step[], options: RunnerOptions): Promise<Step[]> {
  const { state } = ctx;
  const failedNow = new Set<string>();
  const nodeName = nodeNameLookup(ctx);
  const followErrors = new Map<string, number>();
  const lastProgressAt = new Map<string, number>();
  const succeeded = (id: string) => state.steps[id]?.status === 'succeeded';

  // A step that failed in an earlier start is tried again (a new run); one that fails now is not.
  const ready = () =>
    steps.filter((step) => {
      const record = state.steps[step.id];
      const pending = !record || ((record.status === 'failed' || record.status === 'cancelled') && !failedNow.has(step.id));
      return pending && step.needs.every(succeeded);
    });
  const inFlight = () => steps.filter((step) => step.kind !== 'ensemble' && ['queued', 'running'].includes(state.steps[step.id]?.status ?? ''));

  for (;;) {
    for (const step of ready()) await start(step);
    const following = inFlight();
    if (following.length === 0 && ready().length === 0) break;
    for (const step of following) await followOrCount(step);
    await sleep(options.pollMs);
  }
  return steps.filter((step) => !succeeded(step.id));

  async function start(step: Step): Promise<void> {
    const previous = state.steps[step.id];
    const record: StepRecord = { submissions: (previous?.submissions ?? 0) + 1, status: 'queued' };
    if (previous?.error) logLine(`retrying ${step.label} (it failed before: ${previous.error})`);
    try {
      if (step.kind === 'ensemble') {
        record.revision = await createEnsemble(ctx, step, record);
        record.ensembleName = step.name;
        record.status = 'succeeded';
        logLine(`created ${step.label}: ${step.name} revision ${record.revision}`);
      } else {
        state.steps[step.id] = record; // the key is taken before the request: a crash now replays it
        await options.save();
        record.runId = await submitRun(ctx, step, record);
        logLine(`queued ${step.label} (run ${record.runId})`);
      }
    } catch (error) {
      fail(step, record, error instanceof Error ? error.message : String(error));
    }
    state.steps[step.id] = record;
    await options.save();
  }

  /** A read that fails (the server restarting, a dropped connection) is tried again next poll, a few times. */
  async function followOrCount(step: Step): Promise<void> {
    try {
      await follow(step);
      followErrors.delete(step.id);
    } catch (error) {
      const count = (followErrors.get(step.id) ?? 0) + 1;
      followErrors.set(step.id, count);
      const why = error instanceof Error ? error.message : String(error);
      if (count < MAX_FOLLOW_ERRORS) {
        logLine(`could not read ${step.label} (${why}); trying again`);
        return;
      }
      fail(step, state.steps[step.id]!, `could not be read ${count} times: ${why}`);
      await options.save();
    }
  }

  async function follow(step: Step): Promise<void> {
    const record = state.steps[step.id]!;
    if (!record.runId) {
      // Interrupted between taking the key and reading the answer: the replayed POST finds the run.
      record.submissions -= 1;
      await start(step);
      return;
    }
    const run = await expectData(ctx.client.GET('/v1/runs/{id}', { params: { path: { id: record.runId } } }));
    const node = run.node === null ? null : await nodeName(run.node);
    if (run.status === 'running' && (record.status !== 'running' || record.attempts !== run.attempt)) {
      logLine(`running ${step.label} on node ${node} (attempt ${run.attempt})`);
    }
    record.node = node;
    record.attempts = run.attempt;
    if (run.status === 'running' && step.kind !== 'evaluate') reportProgress(step, run);
    if (TERMINAL.has(run.status)) await finish(step, record, run);
    else record.status = run.status;
    await options.save();
  }

  function reportProgress(step: Step, run: Run): void {
    const now = Date.now();
    if (now - (lastProgressAt.get(step.id) ?? 0) < options.progressEveryMs) return;
    lastProgressAt.set(step.id, now);
    logLine(`  ${step.label}: ${progressText(run, new Date(now))}`);
  }

  async function finish(step: Step, record: StepRecord, run: Run): Promise<void> {
    record.seconds = run.startedAt && run.finishedAt ? (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000 : undefined;
    if (run.status !== 'succeeded') {
      const why = (run.error?.message as string | undefined) ?? run.status;
      record.status = run.status;
      fail(step, record, `run ${run.id} ${run.status} after ${run.attempt} attempt(s): ${why}`);
      return;
    }
    if (step.kind === 'evaluate') {
      Object.assign(record, await evaluationScores(ctx.client, run.id));
      logLine(`${step.label}: accuracy ${((record.score?.accuracy ?? 0) * 100).toFixed(2)} % (${duration(record.seconds ?? 0)})`);
    } else if (run.resultVersionId && run.model) {
      record.result = await versionById(ctx.client, run.model, run.resultVersionId);
      logLine(`succeeded ${step.label} in ${duration(record.seconds ?? 0)}: ${record.result.model} version ${record.result.version}`);
    } else {
      fail(step, record, `run ${run.id} succeeded without a registered version`);
      return;
    }
    record.status = 'succeeded';
  }

  function fail(step: Step, record: StepRecord, why: string): void {
    record.status = 'failed';
    record.error = why;
    failedNow.add(step.id);
    logLine(`FAILED ${step.label}: ${why}`);
  }
}

/** Node id to name for the progress lines, listing the nodes again when one joined; the id itself when the key may not list them. */
function nodeNameLookup(ctx: StepContext): (id: string) => Promise<string> {
  let names = new Map<string, string>();
  return async (id) => {
    if (!names.has(id)) {
      try {
        const nodes = await expectData(ctx.client.GET('/v1/nodes'));
        names = new Map(nodes.items.map((n) => [n.id, n.name]));
      } catch (error) {
        if (!(error instanceof ApiProblemError)) throw error;
      }
    }
    return names.get(id) ?? id;
  };
}
