// Which worker holds which model, bounded in bytes: least recently used copies are evicted (each worker's
// copy counts), except those a running batch uses; the owner disposes what is evicted.

interface Entry {
  worker: number;
  versionId: string;
  bytes: number;
  /** Running batches that use this copy: never evicted while above zero. */
  pins: number;
}

const keyOf = (worker: number, versionId: string): string => `${worker}:${versionId}`;

export class ModelCache {
  /** Insertion order is recency order: a used entry is moved to the end. */
  private readonly entries = new Map<string, Entry>();
  private totalBytes = 0;
  private evictionCount = 0;

  constructor(
    private readonly budgetBytes: number,
    private readonly onEvict: (worker: number, versionId: string) => void,
  ) {}

  get bytes(): number {
    return this.totalBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  get evictions(): number {
    return this.evictionCount;
  }

  /** Whether `worker` holds the version (without using it). */
  holds(worker: number, versionId: string): boolean {
    return this.entries.has(keyOf(worker, versionId));
  }

  /** Uses a loaded copy for a batch: pins it and marks it most recently used. False when not loaded. */
  acquire(worker: number, versionId: string): boolean {
    const key = keyOf(worker, versionId);
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.entries.set(key, entry);
    entry.pins++;
    return true;
  }

  /** Records a copy just loaded for a batch (pinned, like acquire), then evicts down to the budget. */
  insert(worker: number, versionId: string, bytes: number): void {
    this.entries.set(keyOf(worker, versionId), { worker, versionId, bytes, pins: 1 });
    this.totalBytes += bytes;
    this.evictOverBudget();
  }

  /** A batch is done with these copies; what no batch uses may now be evicted. */
  release(worker: number, versionIds: readonly string[]): void {
    for (const versionId of versionIds) {
      const entry = this.entries.get(keyOf(worker, versionId));
      if (entry) entry.pins--;
    }
    this.evictOverBudget();
  }

  /** Forgets a worker's copies without disposing them (the worker is gone). */
  forgetWorker(worker: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.worker !== worker) continue;
      this.entries.delete(key);
      this.totalBytes -= entry.bytes;
    }
  }

  /** Pinned copies may hold the cache over budget for as long as their batch runs (an ensemble larger than the budget still runs). */
  private evictOverBudget(): void {
    for (const [key, entry] of this.entries) {
      if (this.totalBytes <= this.budgetBytes) return;
      if (entry.pins > 0) continue;
      this.entries.delete(key);
      this.totalBytes -= entry.bytes;
      this.evictionCount++;
      this.onEvict(entry.worker, entry.versionId);
    }
  }
}
