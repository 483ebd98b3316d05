// The batching queue on its own, dispatching to a runner the test frees by hand: which requests leave together, and when.
import { describe, expect, it } from 'vitest';
import { BatchingQueue, type BatchingSettings, type BatchRunner, type Queued } from '../../src/serving/batching-queue';
import { PredictionQueueFullError } from '../../src/serving/errors';

interface Request extends Queued {
  id: string;
}

/** A runner with `slots` of capacity; each batch holds its slot until the test finishes it. */
function heldRunner(slots: number) {
  const batches: string[][] = [];
  const finishers: (() => void)[] = [];
  let busy = 0;
  const runner: BatchRunner<Request> = {
    idle: () => busy < slots,
    run(batch) {
      busy++;
      batches.push(batch.map((request) => request.id));
      return new Promise<void>((resolve) =>
        finishers.push(() => {
          busy--;
          resolve();
        }),
      );
    },
  };
  const finishNext = async () => {
    finishers.shift()?.();
    // The queue dispatches again once the finished batch's promise settles.
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { runner, batches, finishNext };
}

const settings = (overrides: Partial<BatchingSettings> = {}): BatchingSettings => ({
  maxBatchSize: 4,
  maxQueueDelayMs: 600_000,
  maxQueuedRows: 16,
  overrides: {},
  ...overrides,
});

const request = (id: string, rows = 1): Request => ({ id, rows, enqueuedAt: performance.now() });

describe('BatchingQueue', () => {
  it('dispatches a batch as soon as it is full, never splitting a request', () => {
    const { runner, batches } = heldRunner(4);
    const queue = new BatchingQueue(settings(), runner);
    queue.enqueue('k', 'model', request('a', 3));
    expect(batches).toEqual([]);
    // a (3) + b (2) would exceed 4: a leaves alone once b arrives, b waits.
    queue.enqueue('k', 'model', request('b', 2));
    queue.enqueue('k', 'model', request('c', 2));
    expect(batches).toEqual([['a'], ['b', 'c']]);
    expect(queue.queuedRows('k')).toBe(0);
  });

  it('lets a single request larger than the batch size go alone', () => {
    const { runner, batches } = heldRunner(1);
    const queue = new BatchingQueue(settings(), runner);
    queue.enqueue('k', 'model', request('huge', 9));
    expect(batches).toEqual([['huge']]);
  });

  it('accumulates while every worker is busy and sends up to the batch size when one frees', async () => {
    const { runner, batches, finishNext } = heldRunner(1);
    const queue = new BatchingQueue(settings({ maxQueueDelayMs: 0 }), runner);
    queue.enqueue('k', 'model', request('first'));
    for (const id of ['b', 'c', 'd', 'e', 'f']) queue.enqueue('k', 'model', request(id));
    expect(batches).toEqual([['first']]);
    await finishNext();
    expect(batches).toEqual([['first'], ['b', 'c', 'd', 'e']]);
    await finishNext();
    expect(batches).toEqual([['first'], ['b', 'c', 'd', 'e'], ['f']]);
  });

  it('keeps targets apart and applies per-name overrides', () => {
    const { runner, batches } = heldRunner(4);
    const queue = new BatchingQueue(settings({ overrides: { solo: { maxBatchSize: 1 } } }), runner);
    queue.enqueue('version:1', 'model', request('m1'));
    queue.enqueue('version:2', 'solo', request('s1'));
    queue.enqueue('version:2', 'solo', request('s2'));
    expect(batches).toEqual([['s1'], ['s2']]);
    expect(queue.queuedRows('version:1')).toBe(1);
  });

  it('refuses rows beyond maxQueuedRows per target and keeps what was queued', () => {
    const { runner } = heldRunner(0);
    const queue = new BatchingQueue(settings(), runner);
    queue.enqueue('k', 'model', request('a', 10));
    expect(() => queue.enqueue('k', 'model', request('b', 7))).toThrow(PredictionQueueFullError);
    queue.enqueue('k', 'model', request('c', 6));
    queue.enqueue('other', 'other', request('d', 16));
    expect(queue.queuedRows('k')).toBe(16);
    expect(queue.drain().map((r) => r.id)).toEqual(['a', 'c', 'd']);
    expect(queue.queuedRows('k')).toBe(0);
  });
});
