// Checkpoints a node uploads for the run it holds: where each file goes (a key unique to the
// attempt, presigned when the store can), and recording one only after every object in the store
// has been read back and found to be exactly the declared bytes.
import { IntegrityError, NotFoundError, StaleLeaseError, UnprocessableError } from './errors';
import type { BlobStore, Clock, RunQueueStore } from './ports';
import type { BlobRef, CheckpointRecord, JsonObject, RunRecord } from './records';

export const CHECKPOINT_FILES = ['model.json', 'weights.bin', 'optimizer.bin'] as const;
export type CheckpointFileName = (typeof CHECKPOINT_FILES)[number];

/** How long a presigned checkpoint PUT stays valid. */
export const CHECKPOINT_UPLOAD_SECONDS = 15 * 60;

export interface DeclaredFile {
  name: CheckpointFileName;
  size: number;
  sha256: string;
}

/** A key no other attempt writes: a node that lost its lease can never overwrite its successor's files. */
export function checkpointFileKey(runId: string, attempt: number, epoch: number, name: string): string {
  return `runs/${runId}/attempts/${attempt}/checkpoints/${epoch}/${name}`;
}

/**
 * StaleLeaseError unless the run is running under `fencingToken`. For steps that write no SQL
 * (planning, uploading bytes); the recording writes check the token again in their own SQL.
 */
export function assertHeldWith(run: RunRecord, fencingToken: number): void {
  if (run.status !== 'running' || run.fencingToken !== fencingToken) {
    throw new StaleLeaseError(`run ${run.id} is not running under fencing token ${fencingToken}`, { run: run.id, runStatus: run.status });
  }
}

/** Each file's key and, when the store presigns, the URL to PUT it to (else null: the bytes go through the API). */
export async function planCheckpointUploads(
  blobs: BlobStore,
  run: RunRecord,
  epoch: number,
  files: DeclaredFile[],
): Promise<{ file: DeclaredFile; key: string; presignedUrl: string | null }[]> {
  return Promise.all(
    files.map(async (file) => {
      const key = checkpointFileKey(run.id, run.attempt, epoch, file.name);
      return { file, key, presignedUrl: await blobs.presignPut(key, CHECKPOINT_UPLOAD_SECONDS) };
    }),
  );
}

export interface CheckpointCommit {
  epoch: number;
  files: DeclaredFile[];
  valMetric: number | null;
  isBest: boolean;
  /** The engine's CheckpointMetrics, kept so the next attempt resumes with its history. */
  metrics: JsonObject;
}

/**
 * Records the checkpoint of the run's current attempt: every declared file is read back from the
 * store and must have its declared size and sha256 (a presigned PUT is not write-once), else 422
 * naming the file and nothing is recorded. `isBest` makes it the run's only best checkpoint.
 * Repeating the same commit returns the same checkpoint.
 */
export async function commitCheckpoint(
  deps: { repo: RunQueueStore; blobs: BlobStore; clock: Clock },
  run: RunRecord,
  fencingToken: number,
  commit: CheckpointCommit,
): Promise<CheckpointRecord> {
  assertHeldWith(run, fencingToken);
  const refs = new Map<CheckpointFileName, BlobRef>();
  for (const [index, file] of commit.files.entries()) {
    const ref = { key: checkpointFileKey(run.id, run.attempt, commit.epoch, file.name), sha256: file.sha256, size: file.size };
    await assertStoredAsDeclared(deps.blobs, ref, `files[${index}]`);
    refs.set(file.name, ref);
  }
  const modelJson = refs.get('model.json');
  const weights = refs.get('weights.bin');
  if (!modelJson || !weights) throw new UnprocessableError('a checkpoint needs model.json and weights.bin', { field: 'files' });
  const recorded = await deps.repo.recordCheckpoint(run.id, fencingToken, {
    // The same id for the same attempt and epoch, so a retried commit is recognised as the same checkpoint.
    id: `${run.id}.${run.attempt}.${commit.epoch}`,
    epoch: commit.epoch,
    modelJson,
    weights,
    optimizer: refs.get('optimizer.bin') ?? null,
    valMetric: commit.valMetric,
    metrics: commit.metrics,
    createdAt: deps.clock.now().toISOString(),
  });
  return commit.isBest ? deps.repo.markBestCheckpoint(run.id, fencingToken, recorded.id) : recorded;
}

/** Streams the object through the store's verification; 422 naming `field` when it is absent or other bytes. */
async function assertStoredAsDeclared(blobs: BlobStore, ref: BlobRef, field: string): Promise<void> {
  try {
    const reader = (await blobs.getStream(ref)).getReader();
    while (!(await reader.read()).done);
  } catch (error) {
    if (!(error instanceof IntegrityError || error instanceof NotFoundError)) throw error;
    const why = error instanceof NotFoundError ? 'was never uploaded' : 'is not the declared bytes (size or sha256 differ)';
    throw new UnprocessableError(`checkpoint file ${ref.key.split('/').at(-1)} ${why}`, {
      errors: [{ in: 'body', path: field, message: `the stored object ${why}` }],
      ...error.details,
    });
  }
}
