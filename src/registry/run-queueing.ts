// Queues a run whose spec is resolved, honouring the creating key's Idempotency-Key: shared by
// POST /v1/runs and POST /v1/evaluations, so both replay and refuse reused keys alike.
import { IdempotencyKeyReusedError } from './idempotency';
import type { Clock, NewRun, RunQueueStore } from './ports';
import type { RunRecord } from './records';
import { sameJson } from './same-json';

/** Attempts a run gets unless its request says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/** Who asked, for the run's record and its per-key idempotency. */
export interface RunRequester {
  apiKeyId: string | null;
  idempotencyKey: string | null;
}

export type QueuedRun = Pick<NewRun, 'kind' | 'spec' | 'model' | 'maxAttempts'> & { id?: string };

/** Stores the run (attempt 0); a key that already started this very run returns it, a different one is refused. */
export async function queueRun(deps: { repo: RunQueueStore; clock: Clock }, queued: QueuedRun, requester: RunRequester): Promise<RunRecord> {
  const { run, created } = await deps.repo.enqueueRun({
    id: queued.id ?? crypto.randomUUID(),
    kind: queued.kind,
    spec: queued.spec,
    model: queued.model,
    maxAttempts: queued.maxAttempts,
    createdByKeyId: requester.apiKeyId,
    idempotencyKey: requester.idempotencyKey,
    createdAt: deps.clock.now().toISOString(),
  });
  // The middleware replays a completed key; the store's key catches what it cannot (a response
  // never recorded): its run is returned only when it is this very request.
  if (!created && !(run.kind === queued.kind && run.maxAttempts === queued.maxAttempts && sameJson(run.spec, queued.spec))) {
    throw new IdempotencyKeyReusedError(`Idempotency-Key "${requester.idempotencyKey}" already started a different run`, {
      idempotencyKey: requester.idempotencyKey,
      runId: run.id,
    });
  }
  return run;
}
