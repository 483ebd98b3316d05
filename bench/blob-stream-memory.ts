// Peak memory of streaming a large object through each blob store adapter: put from a stream, then
// read it back with getStream. Bounded memory means the growth stays far below the object's size.
//
//   node --expose-gc --import tsx bench/blob-stream-memory.ts [--mib 256]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLocalFolderBlobStore } from '../src/registry/adapters/blob/local-folder-blob-store';
import { createS3BlobStore } from '../src/registry/adapters/blob/s3-blob-store';
import type { BlobStore } from '../src/registry/ports';
import { S3RVER_CREDENTIALS, startS3rver } from '../test/registry/blob-store/s3rver-fixture';

const { values } = parseArgs({ options: { mib: { type: 'string', default: '256' } } });
const size = Number(values.mib) * 2 ** 20;
const chunk = 2 ** 20;

/** `size` bytes made one 1 MiB chunk at a time, only when the consumer asks. */
function generated(): ReadableStream<Uint8Array> {
  let produced = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (produced >= size) return controller.close();
        controller.enqueue(new Uint8Array(chunk).fill(produced & 255));
        produced += chunk;
      },
    },
    { highWaterMark: 0 },
  );
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);

async function measure(name: string, store: BlobStore): Promise<string> {
  (globalThis as { gc?: () => void }).gc?.();
  const baseRss = process.memoryUsage().rss;
  peakRss = baseRss;
  const started = Date.now();
  const ref = await store.put(`bench/${name}-${Date.now()}.bin`, generated());
  const reader = (await store.getStream(ref)).getReader();
  let read = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) read += next.value.byteLength;
  if (read !== size) throw new Error(`${name}: read ${read} of ${size} bytes`);
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  const seconds = (Date.now() - started) / 1000;
  return `| ${name} | ${mib(size)} | ${mib(baseRss)} | ${mib(peakRss)} | ${mib(peakRss - baseRss)} | ${seconds.toFixed(1)} |`;
}

const root = await mkdtemp(join(tmpdir(), 'distillery-blob-bench-'));
const s3 = await startS3rver();
const s3Store = createS3BlobStore({ endpoint: s3.endpoint, bucket: s3.bucket, region: s3.region, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
try {
  const rows = [await measure('local folder', createLocalFolderBlobStore({ root })), await measure('S3 (s3rver, same process)', s3Store)];
  process.stdout.write(
    ['| adapter | object MiB | RSS before MiB | peak RSS MiB | growth MiB | put + get s |', '|---|---:|---:|---:|---:|---:|', ...rows, ''].join('\n'),
  );
} finally {
  clearInterval(sampler);
  s3Store.close();
  await s3.stop();
  await rm(root, { recursive: true, force: true });
}
