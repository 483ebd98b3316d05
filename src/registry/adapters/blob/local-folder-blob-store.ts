// BlobStore on a local folder: write-once files, created atomically with a hard link, verified on read.
import { randomUUID } from 'node:crypto';
import { link, mkdir, open, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { ConflictError, NotFoundError } from '../../errors';
import type { BlobBody, BlobStore } from '../../ports';
import type { BlobRef } from '../../records';
import { assertValidBlobKey } from './blob-key';
import { assertStoredSize, bodyToStream, forEachChunk, type BlobDigest } from './blob-digest';
import { nodeBlobDigests } from './node-blob-digest';

const { createDigestingStream, createVerifyingStream, digestStream, readVerified } = nodeBlobDigests;

export interface LocalFolderBlobStoreConfig {
  /** Folder holding the objects; created on first write. The Node entry point uses `./data/blobs`. */
  root: string;
}

/** Size of the reads that feed a blob's stream: what one chunk in flight costs in memory. */
const READ_CHUNK_BYTES = 256 * 1024;

/**
 * A BlobStore whose objects are files below `root`, one per key.
 *
 * Writes go to a temporary file in the object's folder, are fsynced, then hard-linked to their
 * final name: `link` fails when the name exists, so of two concurrent writers exactly one creates
 * the object, and a reader never sees a half-written file. The loser compares hashes.
 */
export function createLocalFolderBlobStore(config: LocalFolderBlobStoreConfig): BlobStore {
  const root = resolve(config.root);

  function pathOf(key: string): string {
    assertValidBlobKey(key);
    const path = join(root, ...key.split('/'));
    // Defence in depth: assertValidBlobKey already rules out every way out of the root.
    if (!path.startsWith(root + sep)) throw new Error(`blob key ${key} resolves outside ${root}`);
    return path;
  }

  async function put(key: string, body: BlobBody): Promise<BlobRef> {
    const path = pathOf(key);
    const folder = dirname(path);
    const firstCreatedFolder = await makeFolder(folder, key);
    const tempPath = join(folder, `.${randomUUID()}.partial`);
    try {
      const written = await writeNewFile(tempPath, bodyToStream(body));
      if (await linkUnlessExists(tempPath, path)) {
        for (const changed of foldersWithNewEntries(folder, firstCreatedFolder)) await syncFolder(changed);
        return { key, ...written };
      }
      await assertSameAsStored(key, path, written);
      return { key, ...written };
    } finally {
      await unlink(tempPath).catch(ignoreMissing);
    }
  }

  async function openExisting(expected: BlobRef): Promise<FileHandle> {
    const handle = await open(pathOf(expected.key), 'r').catch((error: unknown) => {
      if (isMissing(error)) throw new NotFoundError(`blob ${expected.key} not found`, { key: expected.key });
      throw error;
    });
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new NotFoundError(`blob ${expected.key} not found`, { key: expected.key });
      assertStoredSize(expected, stats.size);
      return handle;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  return {
    put,
    async getBytes(expected) {
      return readVerified(fileStream(await openExisting(expected)), expected);
    },
    async getStream(expected) {
      return fileStream(await openExisting(expected)).pipeThrough(createVerifyingStream(expected));
    },
    async head(key) {
      const stats = await stat(pathOf(key)).catch((error: unknown) => {
        if (isMissing(error)) return null;
        throw error;
      });
      return stats?.isFile() ? { size: stats.size } : null;
    },
    async delete(key) {
      await unlink(pathOf(key)).catch(ignoreMissing);
    },
    async presignGet(key) {
      pathOf(key);
      return null;
    },
    async presignPut(key) {
      pathOf(key);
      return null;
    },
  };
}

/** Creates the object's folder and its missing ancestors; returns the topmost folder created, if any. */
async function makeFolder(folder: string, key: string): Promise<string | undefined> {
  return mkdir(folder, { recursive: true }).catch((error: unknown) => {
    // A file already stands where the key needs a folder (`a` stored, then `a/b` written).
    if (isErrno(error, 'ENOTDIR') || isErrno(error, 'EEXIST')) {
      throw new ConflictError(`blob key ${key} runs through an existing object`, { key });
    }
    throw error;
  });
}

/** Streams `body` into a file that must not exist yet, fsyncs it, and returns what was written. */
async function writeNewFile(path: string, body: ReadableStream<Uint8Array>): Promise<BlobDigest> {
  const digesting = createDigestingStream();
  const handle = await open(path, 'wx');
  try {
    await forEachChunk(body.pipeThrough(digesting.stream), async (chunk) => {
      await handle.write(chunk);
    });
    await handle.sync();
  } finally {
    await handle.close();
  }
  return digesting.digest();
}

/** Hard-links `from` to `to`; false when `to` already exists. */
async function linkUnlessExists(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  }
}

async function assertSameAsStored(key: string, path: string, written: BlobDigest): Promise<void> {
  const handle = await open(path, 'r');
  const stats = await handle.stat().catch(async (error: unknown) => {
    await handle.close();
    throw error;
  });
  // A different size (or a folder standing at that name) settles it without reading anything.
  const same = stats.isFile() && stats.size === written.size
    ? (await digestStream(fileStream(handle))).sha256 === written.sha256
    : (await handle.close(), false);
  if (!same) throw new ConflictError(`blob ${key} already exists with different content`, { key });
}

/** The folders whose entries changed when `folder` (and ancestors from `firstCreated` down) gained a new entry. */
function foldersWithNewEntries(folder: string, firstCreated: string | undefined): string[] {
  const folders = [folder];
  if (firstCreated === undefined) return folders;
  const stop = dirname(firstCreated);
  for (let current = folder; current !== stop && dirname(current) !== current; ) {
    current = dirname(current);
    folders.push(current);
  }
  return folders;
}

/** Makes a new directory entry durable: without it a crash can lose the link just made. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A pull-driven stream over an open file: one chunk is read only when the consumer asks. Closes the file at the end. */
function fileStream(handle: FileHandle): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const buffer = new Uint8Array(READ_CHUNK_BYTES);
        const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, null);
        if (bytesRead === 0) {
          await handle.close();
          controller.close();
        } else {
          controller.enqueue(buffer.subarray(0, bytesRead));
        }
      } catch (error) {
        await handle.close().catch(() => undefined);
        throw error;
      }
    },
    async cancel() {
      await handle.close();
    },
  }, { highWaterMark: 0 });
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/** The path, or a folder on its way, does not exist (ENOTDIR: a file stands where a folder would be). */
function isMissing(error: unknown): boolean {
  return isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR');
}

function ignoreMissing(error: unknown): void {
  if (!isMissing(error)) throw error;
}
