// The RunQueueStore contract: every SQL driver must pass it. Time comes from a manual clock, so
// leases expire without sleeping. The database is shared with the other tests, so each test that
// depends on what is queued first empties the queue (`drain`).
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { ConflictError, NotFoundError, StaleLeaseError, UnprocessableError } from '../../../src/registry/errors';
import type { Repository, RunOutcome } from '../../../src/registry/ports';
import type { RunRecord } from '../../../src/registry/records';
import { createManualClock } from '../../support/clock';
import { type ContractOptions, describeContract, type StoreDriver } from './contract-suite';
import { newApiKey, newCheckpoint, newModel, newNode, newRun, newVersion } from './fixtures';

const LEASE_MS = 30_000;
const FAR_FUTURE = '9999-12-31T00:00:00.000Z';

/** A completion registering `resultVersionId`, with the metrics it got. */
const outcome = (resultVersionId: string): RunOutcome => ({ resultVersionId, result: { test_accuracy: 0.87 } });

export function tests(driver: StoreDriver, options: ContractOptions = {}): void {
  describeContract('RunQueueStore', driver, options, (test, repo) => {
    const clock = createManualClock(new Date('2026-12-01T10:00:00.000Z'));
    const now = () => clock.now().toISOString();
    const inMs = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
    /** A run created now: one millisecond apart, so creation order is claim order. */
    const enqueue = async (overrides: Parameters<typeof newRun>[0] = {}) => {
      clock.advance(1);
      return (await repo.enqueueRun(newRun({ createdAt: now(), ...overrides }))).run;
    };
    const registeredNode = async () => repo.registerNode(newNode({ createdAt: now() }));
    const claim = (nodeId: string, on: Pick<Repository, 'claimRun'> = repo) => on.claimRun(nodeId, inMs(LEASE_MS), now());

    /** Leaves nothing queued or running from earlier tests: their leases end, and what is queued fails. */
    async function drain(): Promise<void> {
      await repo.requeueExpiredRuns(FAR_FUTURE);
      const node = await registeredNode();
      for (let run = await claim(node.id); run; run = await claim(node.id)) {
        await repo.failRun(run.id, run.fencingToken, { type: 'drained', message: 'left by an earlier test' }, now());
      }
    }

    /** A run claimed by a new node: what a node holds after `claimRun`. */
    async function claimedRun(overrides: Parameters<typeof newRun>[0] = {}): Promise<RunRecord> {
      await drain();
      const run = await enqueue(overrides);
      const claimed = await claim((await registeredNode()).id);
      expect(claimed?.id).toBe(run.id);
      return claimed!;
    }

    async function resultVersion(): Promise<string> {
      const model = await repo.createModel(newModel());
      return (await repo.createVersion(newVersion(model.id))).id;
    }

    /** Runs `write` and expects StaleLeaseError naming the run; then the run is as `before`. */
    async function refusedAsStale(write: () => Promise<unknown>, before: RunRecord): Promise<void> {
      const error = await write().then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(StaleLeaseError);
      expect((error as StaleLeaseError).status).toBe(409);
      expect((error as StaleLeaseError).details).toMatchObject({ runId: before.id });
      expect(await repo.getRun(before.id)).toEqual(before);
    }

    test('enqueues, gets and lists runs newest first, filtered by status and kind, with the total', async () => {
      const kind = 'evaluate';
      const first = await enqueue({ kind });
      const second = await enqueue({ kind, maxAttempts: 1 });
      expect(first).toMatchObject({ status: 'queued', attempt: 0, fencingToken: 0, leaseOwner: null, leaseExpiresAt: null, cancelRequestedAt: null, startedAt: null, finishedAt: null, resultVersionId: null, error: null });
      expect(first.updatedAt).toBe(first.createdAt);
      expect(await repo.getRun(second.id)).toEqual(second);
      expect(await repo.getRun(randomUUID())).toBeNull();

      const evaluations = await repo.listRuns({ kind, status: 'queued' }, { limit: 100, offset: 0 });
      expect(evaluations.items.slice(0, 2)).toEqual([second, first]);
      expect(evaluations.items.every((run) => run.kind === kind && run.status === 'queued')).toBe(true);
      expect(evaluations.total).toBe(evaluations.items.length);
      const paged = await repo.listRuns({ kind }, { limit: 1, offset: 1 });
      expect(paged.items).toHaveLength(1);
      expect(paged.total).toBeGreaterThanOrEqual(2);
      expect((await repo.listRuns({ status: 'succeeded', kind }, { limit: 10, offset: 0 })).items.map((run) => run.id)).not.toContain(first.id);
    });

    test('lists the runs of one model', async () => {
      const model = `model-${randomUUID()}`;
      const mine = [await enqueue({ model }), await enqueue({ model, kind: 'evaluate' })];
      await enqueue({ model: `other-${model}` });
      await enqueue({ model: null });
      const listed = await repo.listRuns({ model }, { limit: 10, offset: 0 });
      expect(listed).toEqual({ items: [mine[1], mine[0]], total: 2 });
      expect((await repo.listRuns({ model, kind: 'evaluate' }, { limit: 10, offset: 0 })).items).toEqual([mine[1]]);
    });

    test('returns the first run for a repeated idempotency key of the same API key, and stores nothing', async () => {
      const key = await repo.createApiKey(newApiKey({ scopes: ['write'] }));
      const other = await repo.createApiKey(newApiKey({ scopes: ['write'] }));
      const run = await enqueue({ createdByKeyId: key.id, idempotencyKey: 'create-1' });
      const again = await repo.enqueueRun(newRun({ createdByKeyId: key.id, idempotencyKey: 'create-1', spec: { epochs: 99 } }));
      expect(again).toEqual({ run, created: false });
      // The key is the creating key's: another key may use the same one.
      expect((await repo.enqueueRun(newRun({ createdByKeyId: other.id, idempotencyKey: 'create-1' }))).created).toBe(true);
      await expect(repo.enqueueRun(newRun({ id: run.id }))).rejects.toBeInstanceOf(ConflictError);
      await expect(repo.enqueueRun(newRun({ createdByKeyId: randomUUID() }))).rejects.toBeInstanceOf(UnprocessableError);
    });

    test('claims the oldest queued run: running, leased to the node, attempt 1, a new fencing token; null when none is queued', async () => {
      await drain();
      const older = await enqueue();
      const newer = await enqueue();
      const node = await registeredNode();
      clock.advance(1000);
      const claimedAt = now();
      const claimed = await claim(node.id);
      expect(claimed).toEqual({
        ...older,
        status: 'running',
        leaseOwner: node.id,
        leaseExpiresAt: inMs(LEASE_MS),
        attempt: 1,
        fencingToken: older.fencingToken + 1,
        startedAt: claimedAt,
        updatedAt: claimedAt,
      });
      expect(await repo.getRun(older.id)).toEqual(claimed);
      expect((await claim(node.id))?.id).toBe(newer.id);
      expect(await claim(node.id)).toBeNull();
      await expect(repo.claimRun(randomUUID(), inMs(LEASE_MS), now())).resolves.toBeNull();
      await enqueue();
      await expect(repo.claimRun(randomUUID(), inMs(LEASE_MS), now())).rejects.toBeInstanceOf(UnprocessableError);
    });

    test('gives each run to exactly one of many concurrent claimers on connections of their own', async () => {
      await drain();
      const queued = new Set<string>();
      for (let i = 0; i < 24; i++) queued.add((await enqueue()).id);
      const claimers = await Promise.all(Array.from({ length: 6 }, () => driver.open()));
      try {
        const nodes = await Promise.all(claimers.map(() => registeredNode()));
        const claimedBy = await Promise.all(
          claimers.map(async (claimer, i) => {
            const mine: RunRecord[] = [];
            for (let run = await claim(nodes[i]!.id, claimer); run; run = await claim(nodes[i]!.id, claimer)) mine.push(run);
            return mine;
          }),
        );
        const all = claimedBy.flat();
        expect(all.map((run) => run.id).sort()).toEqual([...queued].sort());
        expect(all.every((run) => run.attempt === 1 && run.fencingToken === 1)).toBe(true);
        for (const [i, mine] of claimedBy.entries()) expect(mine.every((run) => run.leaseOwner === nodes[i]!.id)).toBe(true);
      } finally {
        await Promise.all(claimers.map((claimer) => claimer.close()));
      }
    }, 30_000);

    test('extends the lease on a heartbeat with the current token; refuses a wrong token and changes nothing', async () => {
      const run = await claimedRun();
      clock.advance(10_000);
      const renewed = await repo.heartbeatRun(run.id, run.fencingToken, inMs(LEASE_MS), now());
      expect(renewed).toEqual({ ...run, leaseExpiresAt: inMs(LEASE_MS), updatedAt: now() });
      await refusedAsStale(() => repo.heartbeatRun(run.id, run.fencingToken + 1, inMs(2 * LEASE_MS), now()), renewed);
      await expect(repo.heartbeatRun(randomUUID(), 1, inMs(LEASE_MS), now())).rejects.toBeInstanceOf(NotFoundError);
    });

    test('re-queues a run whose lease expired; attempt 2 gets a new token and every write with the old one is refused', async () => {
      const first = await claimedRun();
      const checkpoint = await repo.recordCheckpoint(first.id, first.fencingToken, newCheckpoint(first.id, 1));
      clock.advance(LEASE_MS - 1);
      expect((await repo.requeueExpiredRuns(now())).requeued.map((run) => run.id)).not.toContain(first.id);
      clock.advance(2);
      const expired = await repo.requeueExpiredRuns(now());
      const requeued = expired.requeued.find((run) => run.id === first.id);
      expect(requeued).toEqual({ ...first, status: 'queued', leaseOwner: null, leaseExpiresAt: null, updatedAt: now() });

      const second = await claim((await registeredNode()).id);
      expect(second).toMatchObject({ id: first.id, status: 'running', attempt: 2, startedAt: first.startedAt });
      expect(second!.fencingToken).toBeGreaterThan(first.fencingToken);

      const stale = first.fencingToken;
      const version = await resultVersion();
      const writes: [string, () => Promise<unknown>][] = [
        ['heartbeat', () => repo.heartbeatRun(first.id, stale, inMs(LEASE_MS), now())],
        ['complete', () => repo.completeRun(first.id, stale, outcome(version), now())],
        ['fail', () => repo.failRun(first.id, stale, { type: 'late', message: 'late' }, now())],
        ['confirm cancel', () => repo.confirmRunCancelled(first.id, stale, now())],
        ['event', () => repo.appendRunEvent(first.id, stale, { kind: 'log', epoch: null, metrics: {}, message: 'late', createdAt: now() })],
        ['checkpoint', () => repo.recordCheckpoint(first.id, stale, newCheckpoint(first.id, 2))],
        ['best checkpoint', () => repo.markBestCheckpoint(first.id, stale, checkpoint.id)],
      ];
      for (const [, write] of writes) await refusedAsStale(write, second!);
      expect(await repo.listRunEvents(first.id, 0, 100)).toEqual([]);
      expect(await repo.listCheckpoints(first.id)).toEqual([checkpoint]);

      // The new token still holds the run.
      const done = await repo.completeRun(first.id, second!.fencingToken, outcome(version), now());
      expect(done).toMatchObject({ status: 'succeeded', resultVersionId: version, attempt: 2, leaseExpiresAt: null, finishedAt: now() });
    });

    test('lets a late completion and a requeue with a new claim race: exactly one of them wins, round after round', async () => {
      const other = await driver.open();
      try {
        const version = await resultVersion();
        const claimer = await registeredNode();
        for (let round = 0; round < 10; round++) {
          const run = await claimedRun();
          clock.advance(LEASE_MS + 1);
          const [completion, reclaim] = await Promise.allSettled([
            repo.completeRun(run.id, run.fencingToken, outcome(version), now()),
            other.requeueExpiredRuns(now()).then(() => claim(claimer.id, other)),
          ]);
          let stored = await repo.getRun(run.id);
          if (completion.status === 'fulfilled') {
            expect(stored).toMatchObject({ status: 'succeeded', attempt: 1 });
            expect(reclaim).toMatchObject({ status: 'fulfilled', value: null });
          } else {
            expect(completion.reason).toBeInstanceOf(StaleLeaseError);
            expect(reclaim.status).toBe('fulfilled');
            // On PostgreSQL the claim's SKIP LOCKED may pass over the row while the losing completion
            // still holds its lock: the run is then back in the queue, and the next claim gets it.
            if (reclaim.status === 'fulfilled' && reclaim.value === null) {
              expect(stored).toMatchObject({ status: 'queued', attempt: 1, leaseOwner: null });
              expect(await claim(claimer.id, other)).toMatchObject({ id: run.id });
              stored = await repo.getRun(run.id);
            } else {
              expect(reclaim).toMatchObject({ status: 'fulfilled', value: stored });
            }
            expect(stored).toMatchObject({ status: 'running', attempt: 2, leaseOwner: claimer.id });
          }
        }
      } finally {
        await other.close();
      }
    }, 30_000);

    test('fails a run whose last allowed attempt expired, saying why, instead of re-queueing it', async () => {
      const once = await claimedRun({ maxAttempts: 1 });
      clock.advance(LEASE_MS + 1);
      const expired = await repo.requeueExpiredRuns(now());
      expect(expired.requeued.map((run) => run.id)).not.toContain(once.id);
      const failed = expired.failed.find((run) => run.id === once.id);
      expect(failed).toEqual({
        ...once,
        status: 'failed',
        leaseExpiresAt: null,
        error: { type: 'attempts-exhausted', message: expect.any(String) },
        finishedAt: now(),
        updatedAt: now(),
      });
      expect(await repo.getRun(once.id)).toEqual(failed);
      expect((await repo.requeueExpiredRuns(inMs(LEASE_MS))).failed.map((run) => run.id)).not.toContain(once.id);
    });

    test('runs a run at most maxAttempts times: requeued, requeued, then failed', async () => {
      const run = await claimedRun({ maxAttempts: 3 });
      let current: RunRecord | null = run;
      for (const attempt of [1, 2]) {
        expect(current).toMatchObject({ attempt });
        clock.advance(LEASE_MS + 1);
        expect((await repo.requeueExpiredRuns(now())).requeued.map((each) => each.id)).toContain(run.id);
        current = await claim((await registeredNode()).id);
      }
      expect(current).toMatchObject({ id: run.id, attempt: 3, fencingToken: run.fencingToken + 2 });
      clock.advance(LEASE_MS + 1);
      expect((await repo.requeueExpiredRuns(now())).failed.map((each) => each.id)).toContain(run.id);
    });

    test('cancels a queued run at once; a running one is asked to stop, sees it on heartbeat and is cancelled when its node confirms', async () => {
      await drain();
      const queued = await enqueue();
      clock.advance(5);
      const cancelled = await repo.cancelRun(queued.id, now());
      expect(cancelled).toEqual({ ...queued, status: 'cancelled', cancelRequestedAt: now(), finishedAt: now(), updatedAt: now() });
      expect(await repo.cancelRun(queued.id, inMs(10))).toEqual(cancelled);
      expect(await claim((await registeredNode()).id)).toBeNull();

      const running = await claimedRun();
      await expect(repo.confirmRunCancelled(running.id, running.fencingToken, now())).rejects.toBeInstanceOf(ConflictError);
      clock.advance(5);
      const asked = await repo.cancelRun(running.id, now());
      expect(asked).toEqual({ ...running, cancelRequestedAt: now(), updatedAt: now() });
      expect(await repo.cancelRun(running.id, inMs(10))).toMatchObject({ status: 'running', cancelRequestedAt: asked.cancelRequestedAt });
      const beat = await repo.heartbeatRun(running.id, running.fencingToken, inMs(LEASE_MS), now());
      expect(beat.cancelRequestedAt).toBe(asked.cancelRequestedAt);
      await refusedAsStale(() => repo.confirmRunCancelled(running.id, running.fencingToken + 1, now()), beat);
      const stopped = await repo.confirmRunCancelled(running.id, running.fencingToken, now());
      expect(stopped).toMatchObject({ status: 'cancelled', leaseExpiresAt: null, finishedAt: now() });
      expect(await repo.confirmRunCancelled(running.id, running.fencingToken, inMs(10))).toEqual(stopped);

      await expect(repo.cancelRun(randomUUID(), now())).rejects.toBeInstanceOf(NotFoundError);
    });

    test('cancels, instead of re-queueing, a run asked to stop whose lease expired', async () => {
      const run = await claimedRun();
      await repo.cancelRun(run.id, now());
      clock.advance(LEASE_MS + 1);
      const expired = await repo.requeueExpiredRuns(now());
      expect(expired.cancelled.find((each) => each.id === run.id)).toMatchObject({ status: 'cancelled', finishedAt: now(), error: null });
      expect(expired.requeued.map((each) => each.id)).not.toContain(run.id);
    });

    test('refuses to cancel a run that succeeded or failed, naming its status', async () => {
      const version = await resultVersion();
      const succeeded = await claimedRun();
      await repo.completeRun(succeeded.id, succeeded.fencingToken, outcome(version), now());
      const failed = await claimedRun();
      await repo.failRun(failed.id, failed.fencingToken, { type: 'oom', message: 'out of memory' }, now());
      for (const [run, status] of [[succeeded, 'succeeded'], [failed, 'failed']] as const) {
        const before = await repo.getRun(run.id);
        const error = await repo.cancelRun(run.id, inMs(5)).then(() => null, (e: unknown) => e);
        expect(error).toBeInstanceOf(ConflictError);
        expect((error as ConflictError).message).toContain(status);
        expect((error as ConflictError).details).toEqual({ runId: run.id, runStatus: status });
        expect(await repo.getRun(run.id)).toEqual(before);
      }
    });

    test('completes once: a retried completion with the same token and result returns the run unchanged; anything else is refused', async () => {
      const run = await claimedRun();
      const version = await resultVersion();
      await expect(repo.completeRun(run.id, run.fencingToken, outcome(randomUUID()), now())).rejects.toBeInstanceOf(UnprocessableError);
      expect(await repo.getRun(run.id)).toEqual(run);
      clock.advance(100);
      const done = await repo.completeRun(run.id, run.fencingToken, outcome(version), now());
      expect(done).toEqual({ ...run, status: 'succeeded', resultVersionId: version, result: outcome(version).result, leaseExpiresAt: null, finishedAt: now(), updatedAt: now() });
      clock.advance(100);
      expect(await repo.completeRun(run.id, run.fencingToken, outcome(version), now())).toEqual(done);
      const another = await resultVersion();
      await refusedAsStale(() => repo.completeRun(run.id, run.fencingToken, outcome(another), now()), done);
      await refusedAsStale(() => repo.failRun(run.id, run.fencingToken, { type: 'late', message: 'late' }, now()), done);
      await refusedAsStale(() => repo.heartbeatRun(run.id, run.fencingToken, inMs(LEASE_MS), now()), done);

      const failing = await claimedRun();
      const failed = await repo.failRun(failing.id, failing.fencingToken, { type: 'nan-loss', message: 'loss became NaN', epoch: 2 }, now());
      expect(failed).toMatchObject({ status: 'failed', error: { type: 'nan-loss', message: 'loss became NaN', epoch: 2 }, finishedAt: now() });
      expect(await repo.failRun(failing.id, failing.fencingToken, { type: 'nan-loss', message: 'again' }, inMs(5))).toEqual(failed);
    });

    test('appends events under the current attempt and pages them after an id, for resuming a stream', async () => {
      const run = await claimedRun();
      const appended = [];
      for (let epoch = 1; epoch <= 5; epoch++) {
        appended.push(await repo.appendRunEvent(run.id, run.fencingToken, { kind: 'epoch', epoch, metrics: { loss: 1 / epoch, accuracy: epoch / 10 }, message: null, createdAt: now() }));
      }
      appended.push(await repo.appendRunEvent(run.id, run.fencingToken, { kind: 'log', epoch: null, metrics: {}, message: 'saved', createdAt: now() }));
      expect(appended[0]).toEqual({ id: expect.any(Number), runId: run.id, attempt: 1, kind: 'epoch', epoch: 1, metrics: { loss: 1, accuracy: 0.1 }, message: null, createdAt: now() });
      const ids = appended.map((event) => event.id);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      expect(new Set(ids).size).toBe(ids.length);

      expect(await repo.listRunEvents(run.id, 0, 100)).toEqual(appended);
      expect(await repo.listRunEvents(run.id, ids[1]!, 2)).toEqual(appended.slice(2, 4));
      expect(await repo.listRunEvents(run.id, ids[5]!, 10)).toEqual([]);
      expect(await repo.listRunEvents(randomUUID(), 0, 10)).toEqual([]);
    });

    test('reads the newest event of a kind: batch progress as a node reports it', async () => {
      const run = await claimedRun();
      expect(await repo.latestRunEvent(run.id, 'batch')).toBeNull();
      const batch = (n: number) => repo.appendRunEvent(run.id, run.fencingToken, { kind: 'batch', epoch: 1, metrics: { batch: n, batches: 4, loss: 1 / n }, message: null, createdAt: now() });
      await batch(1);
      const last = await batch(2);
      const epoch = await repo.appendRunEvent(run.id, run.fencingToken, { kind: 'epoch', epoch: 1, metrics: { trainLoss: 0.4 }, message: null, createdAt: now() });
      expect(last).toMatchObject({ kind: 'batch', attempt: 1, metrics: { batch: 2, batches: 4, loss: 0.5 } });
      expect(await repo.latestRunEvent(run.id, 'batch')).toEqual(last);
      expect(await repo.latestRunEvent(run.id, 'epoch')).toEqual(epoch);
      expect(await repo.latestRunEvent(run.id, 'log')).toBeNull();
    });

    test('records checkpoints per attempt; the latest is the highest epoch of any attempt, and one is marked best', async () => {
      const run = await claimedRun();
      const oneInput = newCheckpoint(run.id, 1);
      const one = await repo.recordCheckpoint(run.id, run.fencingToken, oneInput);
      const twoInput = newCheckpoint(run.id, 2, { optimizer: null, valMetric: null });
      const two = await repo.recordCheckpoint(run.id, run.fencingToken, twoInput);
      expect(one).toEqual({ ...oneInput, runId: run.id, attempt: 1, isBest: false });
      expect(two).toMatchObject({ optimizer: null, valMetric: null, weights: twoInput.weights });
      // A retried record is the same checkpoint; another one for that attempt and epoch is refused.
      expect(await repo.recordCheckpoint(run.id, run.fencingToken, twoInput)).toEqual(two);
      await expect(repo.recordCheckpoint(run.id, run.fencingToken, newCheckpoint(run.id, 2))).rejects.toBeInstanceOf(ConflictError);
      expect(await repo.latestCheckpoint(run.id)).toEqual(two);

      // Attempt 2 resumes after epoch 2 and saves epoch 3; the same epoch again under another attempt is allowed.
      clock.advance(LEASE_MS + 1);
      await repo.requeueExpiredRuns(now());
      const again = (await claim((await registeredNode()).id))!;
      expect(again).toMatchObject({ id: run.id, attempt: 2 });
      const twoAgain = await repo.recordCheckpoint(again.id, again.fencingToken, newCheckpoint(run.id, 2));
      const three = await repo.recordCheckpoint(again.id, again.fencingToken, newCheckpoint(run.id, 3));
      expect(three.attempt).toBe(2);
      expect(await repo.latestCheckpoint(run.id)).toEqual(three);
      expect(await repo.listCheckpoints(run.id)).toEqual([one, two, twoAgain, three]);

      expect(await repo.bestCheckpoint(run.id)).toBeNull();
      expect(await repo.markBestCheckpoint(run.id, again.fencingToken, one.id)).toEqual({ ...one, isBest: true });
      expect(await repo.markBestCheckpoint(run.id, again.fencingToken, twoAgain.id)).toEqual({ ...twoAgain, isBest: true });
      expect(await repo.bestCheckpoint(run.id)).toEqual({ ...twoAgain, isBest: true });
      expect((await repo.listCheckpoints(run.id)).filter((checkpoint) => checkpoint.isBest).map((checkpoint) => checkpoint.id)).toEqual([twoAgain.id]);

      // Not claimedRun(): its drain would end this run's lease.
      await enqueue();
      const otherRun = (await claim((await registeredNode()).id))!;
      const foreign = await repo.recordCheckpoint(otherRun.id, otherRun.fencingToken, newCheckpoint(otherRun.id, 1));
      await expect(repo.markBestCheckpoint(run.id, again.fencingToken, foreign.id)).rejects.toBeInstanceOf(NotFoundError);
      expect(await repo.bestCheckpoint(run.id)).toEqual({ ...twoAgain, isBest: true });
      expect(await repo.latestCheckpoint(randomUUID())).toBeNull();
    });
  });
}

