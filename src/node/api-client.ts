// The training node's client of the node routes: relative URLs go to the API with the node key,
// absolute (presigned) ones with no key; every download is checked against its sha256 and size.
import { createHash } from 'node:crypto';
import type {
  Assignment,
  CheckpointFileDescription,
  EvaluationReport,
  FileRef,
  Heartbeat,
  NewRunEvent,
  NodeRegistration,
  RegisteredNode,
  RunError,
  UploadTarget,
} from './protocol-types';

const FENCING_TOKEN_HEADER = 'Distillery-Fencing-Token';
const RUN_HEADER = 'Distillery-Run';

/** The API answered with an error (an RFC 9457 problem when it could say more). */
export class NodeApiError extends Error {
  override readonly name = 'NodeApiError';
  constructor(
    readonly status: number,
    readonly problemType: string | null,
    message: string,
  ) {
    super(message);
  }

  /** The run's lease moved on or the run finished: the node must stop writing for it. */
  get isStaleLease(): boolean {
    return this.status === 409 && (this.problemType?.endsWith('stale-lease') ?? false);
  }
}

/** Downloaded bytes that are not the ones the API announced. */
export class DownloadIntegrityError extends Error {
  override readonly name = 'DownloadIntegrityError';
}

/** A run the node holds, as every fenced write names it. */
export interface Lease {
  runId: string;
  fencingToken: number;
}

export interface NodeApiClientOptions {
  /** Base URL of the API, e.g. `http://127.0.0.1:8080`. */
  apiUrl: string;
  /** A key with the `node` scope. */
  token: string;
}

export type NodeApiClient = ReturnType<typeof createNodeApiClient>;

export function createNodeApiClient({ apiUrl, token }: NodeApiClientOptions) {
  const base = apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`;
  const isAbsolute = (url: string) => /^[a-z][a-z0-9+.-]*:/i.test(url);

  /** Fetches `url`: API routes carry the node key, presigned URLs carry nothing of ours. */
  async function send(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    let target = url;
    if (!isAbsolute(url)) {
      target = new URL(url.replace(/^\//, ''), base).toString();
      headers.set('Authorization', `Bearer ${token}`);
    }
    const response = await fetch(target, { ...init, headers });
    if (!response.ok) throw await errorOf(response, init.method ?? 'GET', url);
    return response;
  }

  async function json<T>(path: string, body?: unknown): Promise<T> {
    const response = await send(path, {
      method: 'POST',
      ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return (await response.json()) as T;
  }

  const runPath = (lease: Lease, action: string) => `/v1/runs/${encodeURIComponent(lease.runId)}/${action}`;

  return {
    registerNode: (node: NodeRegistration) => json<RegisteredNode>('/v1/nodes', node),

    /** The next queued run with its inputs, or null when nothing is queued (204). */
    async claim(nodeId: string): Promise<Assignment | null> {
      const response = await send(`/v1/nodes/${encodeURIComponent(nodeId)}/claim`, { method: 'POST' });
      return response.status === 204 ? null : ((await response.json()) as Assignment);
    },

    heartbeat: (lease: Lease) => json<Heartbeat>(runPath(lease, 'heartbeat'), { fencingToken: lease.fencingToken }),

    appendEvents: (lease: Lease, events: NewRunEvent[]) =>
      json<unknown>(runPath(lease, 'events'), { fencingToken: lease.fencingToken, events }),

    checkpointUploads: (lease: Lease, epoch: number, files: CheckpointFileDescription[]) =>
      json<{ files: UploadTarget[] }>(runPath(lease, 'checkpoints/uploads'), { fencingToken: lease.fencingToken, epoch, files }),

    /** PUTs the bytes where an upload target says: a presigned URL, or the API's upload route. */
    async upload(lease: Lease, target: UploadTarget, bytes: Uint8Array): Promise<void> {
      // A presigned PUT gets exactly the headers it was signed with; the API's route also the token.
      const headers = new Headers(target.headers);
      if (!isAbsolute(target.url)) {
        headers.set('Content-Type', headers.get('Content-Type') ?? 'application/octet-stream');
        headers.set(FENCING_TOKEN_HEADER, String(lease.fencingToken));
      }
      await send(target.url, { method: target.method, headers, body: bytes as Uint8Array<ArrayBuffer> });
    },

    recordCheckpoint: (
      lease: Lease,
      checkpoint: { epoch: number; files: CheckpointFileDescription[]; valMetric: number | null; isBest: boolean; metrics: object },
    ) => json<{ id: string }>(runPath(lease, 'checkpoints'), { fencingToken: lease.fencingToken, ...checkpoint }),

    async putTeacherOutputs(lease: Lease, key: string, bytes: Uint8Array): Promise<void> {
      await send(`/v1/teacher-outputs/${encodeURIComponent(key)}`, {
        method: 'PUT',
        headers: {
          'Content-Type': 'application/octet-stream',
          [FENCING_TOKEN_HEADER]: String(lease.fencingToken),
          [RUN_HEADER]: lease.runId,
        },
        body: bytes as Uint8Array<ArrayBuffer>,
      });
    },

    /** `evaluation`: an evaluate run's report, which its completion must carry. */
    complete: (lease: Lease, metrics: Record<string, number>, evaluation?: EvaluationReport) =>
      json<unknown>(runPath(lease, 'complete'), { fencingToken: lease.fencingToken, metrics, ...(evaluation && { evaluation }) }),

    fail: (lease: Lease, error: RunError) => json<unknown>(runPath(lease, 'fail'), { fencingToken: lease.fencingToken, error }),

    confirmCancelled: (lease: Lease) => json<unknown>(runPath(lease, 'cancelled'), { fencingToken: lease.fencingToken }),

    /** Downloads `file` and checks its size and sha256 before handing the bytes out. */
    async download(lease: Lease, file: FileRef): Promise<Uint8Array> {
      const response = await send(file.url, isAbsolute(file.url) ? {} : { headers: { [FENCING_TOKEN_HEADER]: String(lease.fencingToken) } });
      return verifiedBody(response, file);
    },
  };
}

/**
 * The response's bytes, hashed chunk by chunk as they arrive: hashing a large input at the end in
 * one call would block the event loop (the embedded server's) for as long as the whole hash takes.
 */
async function verifiedBody(response: Response, file: FileRef): Promise<Uint8Array> {
  const bytes = new Uint8Array(file.size);
  const hash = createHash('sha256');
  let received = 0;
  const reader = response.body?.getReader();
  for (let next = await reader?.read(); next && !next.done; next = await reader?.read()) {
    const chunk = next.value;
    if (received + chunk.byteLength > file.size) {
      await reader?.cancel();
      throw new DownloadIntegrityError(`${file.url}: got more than the ${file.size} bytes announced`);
    }
    bytes.set(chunk, received);
    hash.update(chunk);
    received += chunk.byteLength;
  }
  if (received !== file.size) throw new DownloadIntegrityError(`${file.url}: got ${received} bytes, expected ${file.size}`);
  const digest = hash.digest('hex');
  if (digest !== file.sha256) throw new DownloadIntegrityError(`${file.url}: sha256 ${digest}, expected ${file.sha256}`);
  return bytes;
}

async function errorOf(response: Response, method: string, url: string): Promise<NodeApiError> {
  const text = await response.text().catch(() => '');
  let problem: { type?: unknown; detail?: unknown } = {};
  try {
    problem = JSON.parse(text) as typeof problem;
  } catch {
    // Not a problem document (a proxy's HTML page, a presigned URL's XML): the text says what happened.
  }
  const type = typeof problem.type === 'string' ? problem.type : null;
  const detail = typeof problem.detail === 'string' ? problem.detail : text.slice(0, 200);
  return new NodeApiError(response.status, type, `${method} ${url.split('?')[0]}: ${response.status} ${detail}`);
}
