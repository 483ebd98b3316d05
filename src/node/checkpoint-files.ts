// A checkpoint's files as the node uploads them, each with the size and sha256 the upload declares.
// Built on the training thread, so that neither the hashing nor a copy of the bytes lands on the
// agent's event loop (in the embedded default, the HTTP server's): the buffers are transferred.
import { createHash } from 'node:crypto';
import type { CheckpointArtifacts, CheckpointMetrics } from '../training/run-types';
import type { CheckpointFileDescription } from './protocol-types';

export interface CheckpointFile extends CheckpointFileDescription {
  bytes: Uint8Array;
}

export interface HashedCheckpoint {
  epoch: number;
  /** model.json, weights.bin, optimizer.bin. */
  files: CheckpointFile[];
  metrics: CheckpointMetrics;
}

const describe = (name: string, bytes: Uint8Array): CheckpointFile => ({
  name,
  size: bytes.byteLength,
  sha256: createHash('sha256').update(bytes).digest('hex'),
  bytes,
});

/**
 * Bytes whose buffer may be transferred: the view itself when it alone owns its whole buffer,
 * else a copy (the engine keeps the best checkpoint's bytes for the run's result, and a view into
 * a larger buffer would take the rest of that buffer along).
 */
function transferable(bytes: Uint8Array, keptByEngine: boolean): Uint8Array {
  const ownsBuffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return keptByEngine || !ownsBuffer ? bytes.slice() : bytes;
}

/** The checkpoint's files, hashed, and the buffers to transfer with them. */
export function hashCheckpoint(epoch: number, artifacts: CheckpointArtifacts): { checkpoint: HashedCheckpoint; transfer: ArrayBuffer[] } {
  const bytes = {
    'model.json': new TextEncoder().encode(JSON.stringify(artifacts.modelJson)),
    'weights.bin': artifacts.weights,
    'optimizer.bin': artifacts.optimizer,
  };
  const files = Object.entries(bytes).map(([name, file]) => describe(name, transferable(file, artifacts.metrics.isBest)));
  return { checkpoint: { epoch, files, metrics: artifacts.metrics }, transfer: files.map((file) => file.bytes.buffer as ArrayBuffer) };
}
