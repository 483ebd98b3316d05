// A node claims work: expired leases are swept first (re-queued, failed or cancelled), then the
// oldest queued run is leased to the node and handed over with everything it must download.
import { NotFoundError } from './errors';
import type { BlobStore, Clock, NodeStore } from './ports';
import type { BlobRef, NodeRecord, RunRecord } from './records';
import { type InputStores, runInputs, type RunInputs } from './run-inputs';

/** How long a presigned input URL stays valid: long enough to download a dataset on a slow link. */
const PRESIGNED_INPUT_SECONDS = 3600;

/** How long a node's claim holds a run, and how often the node renews it. */
export interface LeaseDurations {
  leaseSeconds: number;
  heartbeatSeconds: number;
}

/** One file to download: a relative `url` is an API route (send the node key), an absolute one a presigned GET. */
export interface InputDownload {
  sha256: string;
  size: number;
  url: string;
}

export interface Assignment {
  run: RunRecord;
  fencingToken: number;
  leaseExpiresAt: string;
  leaseSeconds: number;
  heartbeatSeconds: number;
  inputs: RunInputs<InputDownload>;
}

export interface AssignmentDeps {
  repo: InputStores & NodeStore;
  blobs: BlobStore;
  clock: Clock;
  leases: LeaseDurations;
}

export const leaseUntil = (clock: Clock, leases: LeaseDurations): string => new Date(clock.now().getTime() + leases.leaseSeconds * 1000).toISOString();

/**
 * Claims the next queued run for `node`, or null when none is queued. A run whose inputs are gone
 * (a teacher or dataset deleted while it waited) fails at once with `input-missing`, and the next
 * one is claimed: no attempt could ever run it.
 */
export async function claimNextRun(deps: AssignmentDeps, node: NodeRecord): Promise<Assignment | null> {
  const now = deps.clock.now().toISOString();
  await deps.repo.touchNode(node.id, now);
  await deps.repo.requeueExpiredRuns(now);
  for (;;) {
    const run = await deps.repo.claimRun(node.id, leaseUntil(deps.clock, deps.leases), now);
    if (!run) return null;
    try {
      const inputs = await runInputs(deps.repo, run, (inputId, blob) => download(deps.blobs, run, inputId, blob));
      return {
        run,
        fencingToken: run.fencingToken,
        leaseExpiresAt: run.leaseExpiresAt!,
        leaseSeconds: deps.leases.leaseSeconds,
        heartbeatSeconds: deps.leases.heartbeatSeconds,
        inputs,
      };
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      await deps.repo.failRun(run.id, run.fencingToken, { type: 'input-missing', message: error.message }, now);
    }
  }
}

async function download(blobs: BlobStore, run: RunRecord, inputId: string, blob: BlobRef): Promise<InputDownload> {
  const presigned = await blobs.presignGet(blob.key, PRESIGNED_INPUT_SECONDS);
  return { sha256: blob.sha256, size: blob.size, url: presigned ?? `/v1/runs/${encodeURIComponent(run.id)}/inputs/${encodeURIComponent(inputId)}` };
}
