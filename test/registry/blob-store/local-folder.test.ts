// Runs the BlobStore contract against the local folder adapter, plus the race only a local folder can guarantee.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalFolderBlobStore } from '../../../src/registry/adapters/blob/local-folder-blob-store';
import { ConflictError } from '../../../src/registry/errors';
import { blobStoreContract } from './contract';

blobStoreContract('local folder', async () => {
  const root = await mkdtemp(join(tmpdir(), 'distillery-blobs-'));
  return {
    store: createLocalFolderBlobStore({ root }),
    corrupt: (key, bytes) => writeFile(join(root, ...key.split('/')), bytes),
    cleanup: () => rm(root, { recursive: true, force: true }),
    presignsUrls: false,
  };
});

describe('local folder blob store', () => {
  it('lets exactly one of many concurrent writers of different bytes create an object, and leaves no temp files', async () => {
    const root = await mkdtemp(join(tmpdir(), 'distillery-blobs-'));
    try {
      const store = createLocalFolderBlobStore({ root });
      const bodies = Array.from({ length: 8 }, (_, i) => new Uint8Array(300_000).fill(i + 1));
      const results = await Promise.allSettled(bodies.map((body) => store.put('runs/r1/weights.bin', body)));

      const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
      expect(winners).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ConflictError);
      }
      const winner = results[winners[0]!] as PromiseFulfilledResult<Awaited<ReturnType<typeof store.put>>>;
      expect(await store.getBytes(winner.value)).toEqual(bodies[winners[0]!]);
      expect(await readdir(join(root, 'runs', 'r1'))).toEqual(['weights.bin']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
