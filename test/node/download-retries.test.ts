// Input downloads that fail on the way: a 5xx or a dropped connection is tried again (and the run's
// inputs arrive), a refusal (4xx) or bytes other than the announced ones fail at once, and a failure
// that persists fails after DOWNLOAD_ATTEMPTS tries. The bytes come from a stand-in for a presigned
// bucket URL over real HTTP, its failures scripted per path.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeApiClient, DownloadIntegrityError, NodeApiError } from '../../src/node/api-client';
import type { Assignment, FileRef } from '../../src/node/protocol-types';
import { DOWNLOAD_ATTEMPTS, downloadRunInputs } from '../../src/node/run-inputs';

const BYTES = new TextEncoder().encode('train images');
/** What the stand-in does with a path's requests, in order; after the script, it serves BYTES. */
const SCRIPTS: Record<string, ('503' | 'drop' | '404' | 'wrong-bytes')[]> = {
  '/once-503': ['503'],
  '/once-dropped': ['drop'],
  '/always-503': Array(DOWNLOAD_ATTEMPTS).fill('503'),
  '/404': ['404'],
  '/wrong-bytes': ['wrong-bytes'],
};
const requests = new Map<string, number>();
let bucket: Server;
let bucketUrl: string;

beforeAll(async () => {
  bucket = createServer((request, response) => {
    const path = request.url ?? '/';
    const seen = requests.get(path) ?? 0;
    requests.set(path, seen + 1);
    const step = SCRIPTS[path]?.[seen];
    if (step === 'drop') request.socket.destroy();
    else if (step === '503' || step === '404') response.writeHead(Number(step)).end('scripted failure');
    else response.end(step === 'wrong-bytes' ? BYTES.map((byte) => byte ^ 1) : BYTES);
  });
  await new Promise<void>((resolve) => bucket.listen(0, '127.0.0.1', resolve));
  bucketUrl = `http://127.0.0.1:${(bucket.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => bucket.close(resolve)));

/** A train run whose one dataset file is at `path` of the stand-in bucket. */
function assignmentWithFileAt(path: string): Assignment {
  const file: FileRef = { url: `${bucketUrl}${path}`, size: BYTES.byteLength, sha256: createHash('sha256').update(BYTES).digest('hex') };
  return {
    run: { id: 'run-1', kind: 'train', spec: {}, attempt: 1, status: 'running' },
    fencingToken: 1,
    leaseExpiresAt: new Date().toISOString(),
    leaseSeconds: 60,
    heartbeatSeconds: 10,
    inputs: {
      dataset: { id: 'd', name: 'bands', version: 1, format: 'idx', classLabels: [], shape: [], files: [{ ...file, role: 'train-images' }] },
      teachers: [],
      init: null,
      members: [],
      resume: null,
    },
  };
}

// Presigned URLs carry no key, so the client's own API URL is never called here.
const api = createNodeApiClient({ apiUrl: 'http://127.0.0.1:9', token: 'unused' });
const lease = { runId: 'run-1', fencingToken: 1 };

async function download(path: string) {
  const retries: string[] = [];
  const inputs = await downloadRunInputs(api, lease, assignmentWithFileAt(path), (message) => retries.push(message));
  return { inputs, retries };
}

describe('input download retries', () => {
  it.each(['/once-503', '/once-dropped'])('tries %s again and gets the bytes', async (path) => {
    const { inputs, retries } = await download(path);
    expect(inputs.dataset.files['train-images']).toEqual(BYTES);
    expect(requests.get(path)).toBe(2);
    expect(retries).toEqual([expect.stringContaining(`attempt 1 of ${DOWNLOAD_ATTEMPTS}`)]);
  });

  it(`gives up after ${DOWNLOAD_ATTEMPTS} tries of a failure that persists`, async () => {
    await expect(download('/always-503')).rejects.toMatchObject({ status: 503 });
    expect(requests.get('/always-503')).toBe(DOWNLOAD_ATTEMPTS);
  });

  it('fails at once on a refusal or on bytes that are not the announced ones', async () => {
    await expect(download('/404')).rejects.toBeInstanceOf(NodeApiError);
    await expect(download('/wrong-bytes')).rejects.toBeInstanceOf(DownloadIntegrityError);
    expect(requests.get('/404')).toBe(1);
    expect(requests.get('/wrong-bytes')).toBe(1);
  });
});
