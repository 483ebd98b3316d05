// The node's API client against the real API (and a stand-in bucket for presigned URLs): the node
// key goes to API routes only, every download is checked against its size and sha256, and a write
// with a stale fencing token is recognised as a lost lease.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeApiClient, DownloadIntegrityError, NodeApiError, type NodeApiClient } from '../../src/node/api-client';
import type { Assignment } from '../../src/node/protocol-types';
import { sha256Hex } from '../../src/registry/hashing';
import { startTestServer, type TestServer } from '../support/server';
import { createRun, issueNodeKey, registerBandDataset } from './support';

let server: TestServer;
let api: NodeApiClient;
let assignment: Assignment;
/** Serves BUCKET_BYTES at any path, as a presigned GET would, recording each request's headers. */
let bucket: Server;
let bucketUrl: string;
const bucketRequests: IncomingHttpHeaders[] = [];
const BUCKET_BYTES = new TextEncoder().encode('presigned object');

beforeAll(async () => {
  server = await startTestServer();
  await registerBandDataset(server, 'bands', 50);
  await createRun(server, { kind: 'train', dataset: { name: 'bands' }, model: 'm', architecture: 'mlp', hyperparameters: { epochs: 1 } });
  api = createNodeApiClient({ apiUrl: server.baseUrl, token: await issueNodeKey(server, 'client test') });
  const node = await api.registerNode({ name: 'client-test', backend: 'cpu', device: 'cpu', version: '0.0.0' });
  assignment = (await api.claim(node.id))!;
  bucket = createServer((request, response) => {
    bucketRequests.push(request.headers);
    response.end(BUCKET_BYTES);
  });
  await new Promise<void>((resolve) => bucket.listen(0, '127.0.0.1', resolve));
  bucketUrl = `http://127.0.0.1:${(bucket.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => bucket.close(resolve));
  await server.close();
});

const lease = () => ({ runId: assignment.run.id, fencingToken: assignment.fencingToken });

describe('node API client', () => {
  it('claims the queued run with a relative, verified download of each dataset file', async () => {
    expect(assignment.run.kind).toBe('train');
    const file = assignment.inputs.dataset.files.find((f) => f.role === 'train-images')!;
    expect(file.url.startsWith('/')).toBe(true);
    const bytes = await api.download(lease(), file);
    expect(bytes.byteLength).toBe(file.size);
    expect(await sha256Hex(bytes)).toBe(file.sha256);
  });

  it('refuses bytes whose sha256 or size is not the announced one', async () => {
    const file = assignment.inputs.dataset.files[0]!;
    await expect(api.download(lease(), { ...file, sha256: '0'.repeat(64) })).rejects.toThrow(DownloadIntegrityError);
    await expect(api.download(lease(), { ...file, size: file.size + 1 })).rejects.toThrow(DownloadIntegrityError);
    await expect(api.download(lease(), { ...file, size: file.size - 1 })).rejects.toThrow(/more than/);
  });

  it('sends no key (and no fencing token) to an absolute, presigned URL', async () => {
    const bytes = await api.download(lease(), { url: `${bucketUrl}/datasets/x?X-Amz-Signature=abc`, size: BUCKET_BYTES.byteLength, sha256: await sha256Hex(BUCKET_BYTES) });
    expect(bytes).toEqual(BUCKET_BYTES);
    expect(bucketRequests.at(-1)).not.toHaveProperty('authorization');
    expect(bucketRequests.at(-1)).not.toHaveProperty('distillery-fencing-token');
  });

  it('recognises a write under a stale fencing token as a lost lease, and other refusals as not', async () => {
    const stale = await api.heartbeat({ ...lease(), fencingToken: assignment.fencingToken + 1 }).catch((error: unknown) => error);
    expect(stale).toBeInstanceOf(NodeApiError);
    expect(stale).toMatchObject({ status: 409, isStaleLease: true });
    const missing = await api.heartbeat({ runId: 'no-such-run', fencingToken: 1 }).catch((error: unknown) => error);
    expect(missing).toMatchObject({ status: 404, isStaleLease: false });
    expect(await api.heartbeat(lease())).toMatchObject({ cancelRequested: false });
  });
});
