// The BlobStore contract: one suite every blob store adapter must pass (local folder, S3).
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, IntegrityError, NotFoundError, UnprocessableError } from '../../../src/registry/errors';
import type { BlobStore } from '../../../src/registry/ports';
import type { BlobRef } from '../../../src/registry/records';

export interface BlobStoreHarness {
  store: BlobStore;
  /** Replaces the stored bytes of `key` behind the store's back, as a failing disk or a stray writer would. */
  corrupt(key: string, bytes: Uint8Array): Promise<void>;
  cleanup(): Promise<void>;
  /** True when presignGet/presignPut return URLs; false when the store answers null (local folder). */
  presignsUrls: boolean;
  /** How many multipart parts the server received for `key`, for stores that upload large streams in parts. */
  partsUploaded?(key: string): number;
}

const MiB = 1024 * 1024;
const LARGE_OBJECT_BYTES = 20 * MiB + 12_345;

export function blobStoreContract(name: string, makeStore: () => Promise<BlobStoreHarness>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let harness: BlobStoreHarness;
    let store: BlobStore;
    beforeAll(async () => {
      harness = await makeStore();
      store = harness.store;
    });
    afterAll(async () => {
      await harness?.cleanup();
    });

    /** A fresh key per test so tests share one store without seeing each other. */
    const freshKey = (leaf = 'object.bin') => `contract/${randomUUID()}/${leaf}`;

    it('puts bytes and returns the sha256 and size node computes, then gets them back', async () => {
      const bytes = new TextEncoder().encode('{"format":"layers-model"}');
      const key = freshKey('model.json');
      const ref = await store.put(key, bytes, { contentType: 'application/json' });
      expect(ref).toEqual({ key, sha256: sha256(bytes), size: bytes.byteLength });
      expect(await store.getBytes(ref)).toEqual(bytes);
      expect(await store.head(key)).toEqual({ size: bytes.byteLength });
    });

    it('stores an empty object', async () => {
      const ref = await store.put(freshKey(), new Uint8Array());
      expect(ref.size).toBe(0);
      expect(ref.sha256).toBe(sha256(new Uint8Array()));
      expect(await store.getBytes(ref)).toEqual(new Uint8Array());
    });

    it('puts a large stream with bounded chunks and streams it back verified', async () => {
      const key = freshKey('weights.bin');
      const generated = generatedStream(LARGE_OBJECT_BYTES);
      const ref = await store.put(key, generated.stream);
      expect(ref).toEqual({ key, sha256: generated.sha256(), size: LARGE_OBJECT_BYTES });
      if (harness.partsUploaded) expect(harness.partsUploaded(key)).toBeGreaterThan(1);

      const read = await readStream(await store.getStream(ref));
      expect(read).toEqual({ sha256: ref.sha256, size: LARGE_OBJECT_BYTES });
      expect(await store.head(key)).toEqual({ size: LARGE_OBJECT_BYTES });
    });

    it('accepts a rewrite of identical bytes, as bytes or as a stream', async () => {
      const key = freshKey();
      const bytes = randomBytes(70_000);
      const first = await store.put(key, bytes);
      expect(await store.put(key, bytes.slice())).toEqual(first);
      expect(await store.put(key, streamOf(bytes, 4096))).toEqual(first);
    });

    it('accepts an identical rewrite of a large object written as a stream', async () => {
      const key = freshKey();
      const first = await store.put(key, generatedStream(LARGE_OBJECT_BYTES).stream);
      expect(await store.put(key, generatedStream(LARGE_OBJECT_BYTES).stream)).toEqual(first);
    });

    it('refuses a rewrite with different bytes and keeps the original', async () => {
      const key = freshKey();
      const original = randomBytes(50_000);
      const ref = await store.put(key, original);

      const sameSize = randomBytes(50_000);
      await expect(store.put(key, sameSize)).rejects.toBeInstanceOf(ConflictError);
      await expect(store.put(key, streamOf(sameSize, 1000))).rejects.toBeInstanceOf(ConflictError);
      await expect(store.put(key, randomBytes(10))).rejects.toBeInstanceOf(ConflictError);

      expect(await store.getBytes(ref)).toEqual(original);
      expect(await store.head(key)).toEqual({ size: original.byteLength });
    });

    it('refuses a different rewrite of a large object written as a stream, and keeps it', async () => {
      const key = freshKey();
      const ref = await store.put(key, generatedStream(LARGE_OBJECT_BYTES).stream);
      await expect(store.put(key, generatedStream(LARGE_OBJECT_BYTES, 7).stream)).rejects.toBeInstanceOf(ConflictError);
      expect(await readStream(await store.getStream(ref))).toEqual({ sha256: ref.sha256, size: ref.size });
    });

    it('stores nothing when the body stream fails part-way, and the key stays writable', async () => {
      const key = freshKey();
      for (const failAfter of [1000, 12 * MiB]) {
        const failure = new Error('client went away');
        await expect(store.put(key, failingStream(failAfter, failure))).rejects.toBe(failure);
        expect(await store.head(key)).toBeNull();
      }
      const bytes = randomBytes(1000);
      expect(await store.getBytes(await store.put(key, bytes))).toEqual(bytes);
    });

    it('reports a missing object as NotFoundError on read and null on head', async () => {
      const missing: BlobRef = { key: freshKey(), sha256: sha256(new Uint8Array([1])), size: 1 };
      await expect(store.getBytes(missing)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.getStream(missing)).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.head(missing.key)).toBeNull();
    });

    it('detects bytes changed behind its back: getBytes throws, getStream errors', async () => {
      const key = freshKey();
      const ref = await store.put(key, randomBytes(100_000));

      await harness.corrupt(key, randomBytes(100_000));
      await expect(store.getBytes(ref)).rejects.toBeInstanceOf(IntegrityError);
      const stream = await store.getStream(ref);
      await expect(readStream(stream)).rejects.toBeInstanceOf(IntegrityError);

      await harness.corrupt(key, randomBytes(99_999));
      await expect(store.getBytes(ref)).rejects.toBeInstanceOf(IntegrityError);
      await expect(store.getStream(ref).then(readStream)).rejects.toBeInstanceOf(IntegrityError);
    });

    it('refuses a read whose recorded sha256 does not match the stored bytes', async () => {
      const ref = await store.put(freshKey(), randomBytes(1000));
      const wrong = { ...ref, sha256: sha256(randomBytes(1000)) };
      await expect(store.getBytes(wrong)).rejects.toBeInstanceOf(IntegrityError);
      await expect(store.getStream(wrong).then(readStream)).rejects.toBeInstanceOf(IntegrityError);
    });

    it('never hands a reader every byte of a same-size corrupted object', async () => {
      for (const size of [1, 100_000, 3 * MiB + 17]) {
        const original = randomBytes(size);
        const key = freshKey();
        const ref = await store.put(key, original);
        const flipped = original.slice();
        flipped[size - 1]! ^= 0xff;
        await harness.corrupt(key, flipped);

        const read = await readUntilError(await store.getStream(ref));
        expect(read.error, `size ${size}`).toBeInstanceOf(IntegrityError);
        expect(read.size, `size ${size}`).toBeLessThan(size);
      }
    });

    it('refuses keys that could escape the store or are malformed', async () => {
      const bad = ['', '../escape.bin', 'a/../../escape.bin', '/absolute.bin', 'a\\b.bin', 'a//b.bin', 'a/', 'a/./b', 'nul\u0000.bin', '.hidden'];
      const bytes = new Uint8Array([1, 2, 3]);
      for (const key of bad) {
        await expect(store.put(key, bytes), key).rejects.toBeInstanceOf(UnprocessableError);
        await expect(store.head(key), key).rejects.toBeInstanceOf(UnprocessableError);
        await expect(store.getBytes({ key, sha256: sha256(bytes), size: 3 }), key).rejects.toBeInstanceOf(UnprocessableError);
        await expect(store.delete(key), key).rejects.toBeInstanceOf(UnprocessableError);
      }
    });

    it('deletes an object, after which the key can be written again', async () => {
      const key = freshKey();
      await store.put(key, randomBytes(100));
      await store.delete(key);
      expect(await store.head(key)).toBeNull();
      await store.delete(key);

      const replacement = randomBytes(200);
      const ref = await store.put(key, replacement);
      expect(await store.getBytes(ref)).toEqual(replacement);
    });

    it('presigns a PUT and a GET that work over plain HTTP, or answers null', async () => {
      const key = freshKey();
      const putUrl = await store.presignPut(key, 300);
      const getUrl = await store.presignGet(key, 300);
      if (!harness.presignsUrls) {
        expect([putUrl, getUrl]).toEqual([null, null]);
        return;
      }
      expect(putUrl).toEqual(expect.any(String));
      expect(getUrl).toEqual(expect.any(String));
      // A client sends only the bytes: the URL must not require checksum headers it would not send.
      expect(putUrl).not.toMatch(/checksum/i);

      const bytes = randomBytes(30_000);
      const put = await fetch(putUrl!, { method: 'PUT', body: bytes });
      expect(put.status).toBe(200);
      const got = await fetch(getUrl!);
      expect(got.status).toBe(200);
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);
      expect(await store.getBytes({ key, sha256: sha256(bytes), size: bytes.byteLength })).toEqual(bytes);
    });
  });
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += 65_536) {
    crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65_536)));
  }
  return bytes;
}

function streamOf(bytes: Uint8Array, chunkSize: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

/**
 * A deterministic pseudo-random stream of `size` bytes made on demand in uneven chunks, so the
 * whole object never sits in the test's memory; `sha256()` is valid once it has been read.
 */
function generatedStream(size: number, seed = 1): { stream: ReadableStream<Uint8Array>; sha256(): string } {
  const hash = createHash('sha256');
  let state = seed >>> 0 || 1;
  let produced = 0;
  let digest: string | null = null;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = new Uint8Array(Math.min(size - produced, 1_000_003));
      const words = new Uint32Array(chunk.buffer, 0, chunk.byteLength >>> 2);
      for (let i = 0; i < words.length; i++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        words[i] = state >>> 0;
      }
      hash.update(chunk);
      produced += chunk.byteLength;
      controller.enqueue(chunk);
      if (produced === size) {
        digest = hash.digest('hex');
        controller.close();
      }
    },
  }, { highWaterMark: 0 });
  return {
    stream,
    sha256() {
      if (digest === null) throw new Error('generated stream not fully read');
      return digest;
    },
  };
}

/** A stream that delivers `failAfter` bytes in 1 MiB chunks, then errors with `failure`. */
function failingStream(failAfter: number, failure: Error): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= failAfter) return controller.error(failure);
      const chunk = new Uint8Array(Math.min(MiB, failAfter - sent)).fill(7);
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
}

async function readStream(stream: ReadableStream<Uint8Array>): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    hash.update(next.value);
    size += next.value.byteLength;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Reads a stream until it ends or errors: how many bytes arrived first, and the error if any. */
async function readUntilError(stream: ReadableStream<Uint8Array>): Promise<{ size: number; error: unknown }> {
  let size = 0;
  const reader = stream.getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) size += next.value.byteLength;
    return { size, error: undefined };
  } catch (error) {
    return { size, error };
  }
}
