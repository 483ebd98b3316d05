// The RunQueueStore port on SQL, for every dialect. A claim is one UPDATE of the oldest queued
// run; every write a node makes names its fencing token in its own WHERE (or, for events and
// checkpoints, in an EXISTS on the run), so a write racing a re-claim or a requeue is refused.
import { and, asc, desc, eq, gt, inArray, isNotNull, lt, type SQL, sql, type Table } from 'drizzle-orm';
import type { DistilleryError } from '../../../errors';
import { ConflictError, NotFoundError, StaleLeaseError, UnprocessableError } from '../../errors';
import type { ExpiredLeases, NewCheckpoint, NewRun, NewRunEvent, Page, RunFilter, RunOutcome, RunQueueStore } from '../../ports';
import type { CheckpointRecord, JsonObject, RunEventKind, RunRecord, Timestamp } from '../../records';
import { type RegistryTables, toCheckpointRecord, toCheckpointRow } from './rows';
import type { RowValues, SqlDatabase } from './sql-database';
import { allOf, first, mapViolations, notFound } from './sql-store-helpers';

/** The error of a run whose last attempt's lease expired with no attempts left. */
const ATTEMPTS_EXHAUSTED: JsonObject = {
  type: 'attempts-exhausted',
  message: 'the node running the last allowed attempt stopped renewing its lease',
};

export function sqlRunQueueStore<T extends Table>(db: SqlDatabase<T>, t: RegistryTables<T>): RunQueueStore {
  const s = db.statements;
  const { runs, runEvents, checkpoints } = t;

  const getRun = async (id: string) => first(await db.run(s.select(runs, { where: eq(runs.id, id) })));
  const existingRun = async (id: string) => (await getRun(id)) ?? notFound('run', id);

  /** The run while `fencingToken` holds it: running, claimed last with that token. */
  const held = (runId: string, fencingToken: number): SQL =>
    allOf(eq(runs.id, runId), eq(runs.fencingToken, fencingToken), eq(runs.status, 'running'));
  /**
   * For writes to other tables: the run is held by the token. Its row is locked (PostgreSQL) so
   * that a requeue or claim committing meanwhile is waited for and then seen.
   */
  const stillHeld = (runId: string, fencingToken: number): SQL =>
    sql`exists (select 1 from ${runs} where ${held(runId, fencingToken)} ${db.dialect.lockRows})`;
  /** The run's current attempt, read by the statement that writes it. */
  const attemptOf = (runId: string): SQL => sql`(select ${runs.attempt} from ${runs} where ${eq(runs.id, runId)})`;
  const cancelAsked = isNotNull(runs.cancelRequestedAt);

  function staleLease(run: RunRecord, fencingToken: number): StaleLeaseError {
    return new StaleLeaseError(`run ${run.id} is no longer held with fencing token ${fencingToken} (it is ${run.status})`, {
      runId: run.id,
      fencingToken,
      runStatus: run.status,
    });
  }

  const isHeldBy = (run: RunRecord, fencingToken: number) => run.status === 'running' && run.fencingToken === fencingToken;

  /** Why a fenced write to the run changed nothing: absent, or not held by the token. */
  async function refusal(runId: string, fencingToken: number): Promise<never> {
    throw staleLease(await existingRun(runId), fencingToken);
  }

  /** The run, still held by the token, after a fenced write that changed nothing for some other reason. */
  async function stillHeldRun(runId: string, fencingToken: number): Promise<RunRecord> {
    const run = await existingRun(runId);
    if (!isHeldBy(run, fencingToken)) throw staleLease(run, fencingToken);
    return run;
  }

  /**
   * Ends the run held by the token with `set`. When nothing was written, a run already ended the
   * way `sameEnd` recognises under this very token is returned (a retried report); `whenHeld`
   * names why a run still held was refused (`extra` did not hold).
   */
  async function finish(
    runId: string,
    fencingToken: number,
    now: Timestamp,
    set: Partial<RowValues<RunRecord>>,
    sameEnd: (run: RunRecord) => boolean,
    options: { extra?: SQL; whenHeld?: (run: RunRecord) => DistilleryError } = {},
  ): Promise<RunRecord> {
    const where = options.extra ? allOf(held(runId, fencingToken), options.extra) : held(runId, fencingToken);
    const update = s.update(runs, { ...set, leaseExpiresAt: null, finishedAt: now, updatedAt: now }, where);
    const ended = first(
      await mapViolations(db, db.run(update), {
        'foreign-key': () => new UnprocessableError(`the result of run ${runId} is not an existing model version`, { runId }),
      }),
    );
    if (ended) return ended;
    const run = await existingRun(runId);
    if (run.fencingToken === fencingToken && sameEnd(run)) return run;
    if (isHeldBy(run, fencingToken) && options.whenHeld) throw options.whenHeld(run);
    throw staleLease(run, fencingToken);
  }

  async function getCheckpoint(where: SQL): Promise<CheckpointRecord | null> {
    const row = first(await db.run(s.select(checkpoints, { where })));
    return row && toCheckpointRecord(row);
  }

  async function firstCheckpoint(runId: string, orderBy: SQL[], where?: SQL): Promise<CheckpointRecord | null> {
    const condition = where ? allOf(eq(checkpoints.runId, runId), where) : eq(checkpoints.runId, runId);
    const row = first(await db.run(s.select(checkpoints, { where: condition, orderBy, page: { limit: 1, offset: 0 } })));
    return row && toCheckpointRecord(row);
  }

  return {
    async enqueueRun(run: NewRun): Promise<{ run: RunRecord; created: boolean }> {
      const row: RunRecord = {
        ...run,
        status: 'queued',
        attempt: 0,
        leaseOwner: null,
        leaseExpiresAt: null,
        fencingToken: 0,
        cancelRequestedAt: null,
        resultVersionId: null,
        result: null,
        error: null,
        updatedAt: run.createdAt,
        startedAt: null,
        finishedAt: null,
      };
      const inserted = first(
        await mapViolations(db, db.run(s.insert(runs, [row], { doNothing: true })), {
          'foreign-key': () => new UnprocessableError(`API key ${run.createdByKeyId} does not exist`, { createdByKeyId: run.createdByKeyId }),
        }),
      );
      if (inserted) return { run: inserted, created: true };
      // Skipped: the creating key used this idempotency key already, or the id is taken.
      if (run.createdByKeyId !== null && run.idempotencyKey !== null) {
        const byKey = allOf(eq(runs.createdByKeyId, run.createdByKeyId), eq(runs.idempotencyKey, run.idempotencyKey));
        const earlier = first(await db.run(s.select(runs, { where: byKey })));
        if (earlier) return { run: earlier, created: false };
      }
      throw new ConflictError(`run ${run.id} already exists`, { id: run.id });
    },

    getRun,

    async listRuns(filter: RunFilter, page: Page): Promise<{ items: RunRecord[]; total: number }> {
      const where = and(
        filter.status === undefined ? undefined : eq(runs.status, filter.status),
        filter.kind === undefined ? undefined : eq(runs.kind, filter.kind),
        filter.model === undefined ? undefined : eq(runs.model, filter.model),
      );
      const [items, total] = await db.batch([
        s.select(runs, { where, orderBy: [desc(runs.createdAt), desc(runs.id)], page }),
        s.count(runs, where),
      ]);
      return { items, total };
    },

    async claimRun(nodeId: string, leaseUntil: Timestamp, now: Timestamp): Promise<RunRecord | null> {
      const queued = eq(runs.status, 'queued');
      const next = sql`(select ${runs.id} from ${runs} where ${queued} order by ${runs.createdAt}, ${runs.id} limit 1 ${db.dialect.lockRowsSkipLocked})`;
      const claim = s.update(
        runs,
        {
          status: 'running',
          leaseOwner: nodeId,
          leaseExpiresAt: leaseUntil,
          attempt: sql`${runs.attempt} + 1`,
          fencingToken: sql`${runs.fencingToken} + 1`,
          startedAt: sql`coalesce(${runs.startedAt}, ${sql.param(now, runs.startedAt)})`,
          updatedAt: now,
        },
        allOf(sql`${runs.id} = ${next}`, queued),
      );
      return first(
        await mapViolations(db, db.run(claim), {
          'foreign-key': () => new UnprocessableError(`node ${nodeId} is not registered`, { nodeId }),
        }),
      );
    },

    async heartbeatRun(runId: string, fencingToken: number, leaseUntil: Timestamp, now: Timestamp): Promise<RunRecord> {
      const renewed = first(await db.run(s.update(runs, { leaseExpiresAt: leaseUntil, updatedAt: now }, held(runId, fencingToken))));
      return renewed ?? refusal(runId, fencingToken);
    },

    async requeueExpiredRuns(now: Timestamp): Promise<ExpiredLeases> {
      const exhausted = sql`${runs.attempt} >= ${runs.maxAttempts}`;
      const ends = sql`(${cancelAsked} or ${exhausted})`;
      // Every CASE keeps the column in one branch, so PostgreSQL types its parameters by the column's type.
      const expired = await db.run(
        s.update(
          runs,
          {
            status: sql`case when ${cancelAsked} then ${'cancelled'} when ${exhausted} then ${'failed'} else ${'queued'} end`,
            leaseOwner: sql`case when ${ends} then ${runs.leaseOwner} else null end`,
            leaseExpiresAt: null,
            error: sql`case when ${cancelAsked} or not ${exhausted} then ${runs.error} else ${sql.param(ATTEMPTS_EXHAUSTED, runs.error)} end`,
            finishedAt: sql`case when ${ends} then ${sql.param(now, runs.finishedAt)} else ${runs.finishedAt} end`,
            updatedAt: now,
          },
          allOf(eq(runs.status, 'running'), lt(runs.leaseExpiresAt, now)),
        ),
      );
      const withStatus = (status: RunRecord['status']) => expired.filter((run) => run.status === status);
      return { requeued: withStatus('queued'), failed: withStatus('failed'), cancelled: withStatus('cancelled') };
    },

    completeRun(runId: string, fencingToken: number, outcome: RunOutcome, now: Timestamp): Promise<RunRecord> {
      const { resultVersionId, result } = outcome;
      return finish(runId, fencingToken, now, { status: 'succeeded', resultVersionId, result }, (run) => run.status === 'succeeded' && run.resultVersionId === resultVersionId);
    },

    failRun(runId: string, fencingToken: number, error: JsonObject, now: Timestamp): Promise<RunRecord> {
      return finish(runId, fencingToken, now, { status: 'failed', error }, (run) => run.status === 'failed');
    },

    async cancelRun(runId: string, now: Timestamp): Promise<RunRecord> {
      const queued = eq(runs.status, 'queued');
      const cancelled = first(
        await db.run(
          s.update(
            runs,
            {
              status: sql`case when ${queued} then ${'cancelled'} else ${runs.status} end`,
              cancelRequestedAt: sql`coalesce(${runs.cancelRequestedAt}, ${sql.param(now, runs.cancelRequestedAt)})`,
              finishedAt: sql`case when ${queued} then ${sql.param(now, runs.finishedAt)} else ${runs.finishedAt} end`,
              updatedAt: now,
            },
            allOf(eq(runs.id, runId), inArray(runs.status, ['queued', 'running'])),
          ),
        ),
      );
      if (cancelled) return cancelled;
      const run = await existingRun(runId);
      // Cancelling twice is a retry; a run that ended otherwise cannot be cancelled any more.
      if (run.status === 'cancelled') return run;
      throw new ConflictError(`run ${runId} has already ${run.status}: it cannot be cancelled`, { runId, runStatus: run.status });
    },

    confirmRunCancelled(runId: string, fencingToken: number, now: Timestamp): Promise<RunRecord> {
      return finish(runId, fencingToken, now, { status: 'cancelled' }, (run) => run.status === 'cancelled', {
        extra: cancelAsked,
        whenHeld: (run) => new ConflictError(`run ${run.id} was not asked to cancel`, { runId: run.id }),
      });
    },

    async appendRunEvent(runId: string, fencingToken: number, event: NewRunEvent) {
      const row = { ...event, id: db.dialect.nextIdentity(runEvents, runEvents.id), runId, attempt: attemptOf(runId) };
      const appended = first(await db.run(s.insertWhere(runEvents, row, stillHeld(runId, fencingToken))));
      return appended ?? refusal(runId, fencingToken);
    },

    async listRunEvents(runId: string, afterId: number, limit: number) {
      return db.run(
        s.select(runEvents, {
          where: allOf(eq(runEvents.runId, runId), gt(runEvents.id, afterId)),
          orderBy: [asc(runEvents.id)],
          page: { limit, offset: 0 },
        }),
      );
    },

    async latestRunEvent(runId: string, kind: RunEventKind) {
      const where = allOf(eq(runEvents.runId, runId), eq(runEvents.kind, kind));
      return first(await db.run(s.select(runEvents, { where, orderBy: [desc(runEvents.id)], page: { limit: 1, offset: 0 } })));
    },

    async recordCheckpoint(runId: string, fencingToken: number, checkpoint: NewCheckpoint): Promise<CheckpointRecord> {
      const row = { ...toCheckpointRow({ ...checkpoint, runId, attempt: 0, isBest: false }), attempt: attemptOf(runId) };
      const recorded = first(await db.run(s.insertWhere(checkpoints, row, stillHeld(runId, fencingToken), { doNothing: true })));
      if (recorded) return toCheckpointRecord(recorded);
      const run = await stillHeldRun(runId, fencingToken);
      // Held, so the attempt's checkpoint of that epoch (or the id) exists: the same one is a retry.
      const stored = await getCheckpoint(allOf(eq(checkpoints.runId, runId), eq(checkpoints.attempt, run.attempt), eq(checkpoints.epoch, checkpoint.epoch)));
      const same = stored && stored.id === checkpoint.id && sameBlobs(stored, checkpoint);
      if (same) return stored;
      throw new ConflictError(`attempt ${run.attempt} of run ${runId} already has a different checkpoint for epoch ${checkpoint.epoch} (or id ${checkpoint.id} is taken)`, {
        runId,
        epoch: checkpoint.epoch,
      });
    },

    async markBestCheckpoint(runId: string, fencingToken: number, checkpointId: string): Promise<CheckpointRecord> {
      const ofRun = allOf(eq(checkpoints.id, checkpointId), eq(checkpoints.runId, runId));
      const isThatOne = sql`exists (select 1 from ${checkpoints} where ${ofRun})`;
      const marked = await db.run(
        s.update(
          checkpoints,
          { isBest: sql`(${checkpoints.id} = ${checkpointId})` },
          allOf(eq(checkpoints.runId, runId), isThatOne, stillHeld(runId, fencingToken)),
        ),
      );
      const best = marked.find((row) => row.id === checkpointId);
      if (best) return toCheckpointRecord(best);
      await stillHeldRun(runId, fencingToken);
      throw new NotFoundError(`checkpoint ${checkpointId} of run ${runId} not found`, { id: checkpointId });
    },

    async listCheckpoints(runId: string): Promise<CheckpointRecord[]> {
      const rows = await db.run(s.select(checkpoints, { where: eq(checkpoints.runId, runId), orderBy: [asc(checkpoints.attempt), asc(checkpoints.epoch)] }));
      return rows.map(toCheckpointRecord);
    },

    latestCheckpoint: (runId: string) => firstCheckpoint(runId, [desc(checkpoints.epoch), desc(checkpoints.attempt)]),

    bestCheckpoint: (runId: string) => firstCheckpoint(runId, [desc(checkpoints.attempt)], eq(checkpoints.isBest, true)),
  };
}

function sameBlobs(stored: CheckpointRecord, checkpoint: NewCheckpoint): boolean {
  const blobs = (c: Pick<CheckpointRecord, 'modelJson' | 'weights' | 'optimizer'>) => JSON.stringify([c.modelJson, c.weights, c.optimizer]);
  return blobs(stored) === blobs(checkpoint);
}
