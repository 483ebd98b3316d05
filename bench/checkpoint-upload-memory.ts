// Peak RSS growth of the API server while it receives a 135 MB checkpoint file through the streamed
// PUT /v1/runs/{id}/checkpoints/{epoch}/files/{name}, on a local folder and on S3 (s3rver, in this
// process so its memory is not counted), next to the multipart version upload of a model that size.
// The server runs in a child process; its peak is read from /proc/<pid>/status (VmHWM) after
// resetting it through /proc/<pid>/clear_refs, so each row measures one upload only.
//
//   npx tsx bench/checkpoint-upload-memory.ts [--mb 135]
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { S3RVER_CREDENTIALS, startS3rver } from '../test/registry/blob-store/s3rver-fixture';
import { denseArtifactWithShape, encodeJson } from '../test/support/artifacts';
import { heldRun, registerNodeKey } from '../test/support/held-runs';
import { startTestServer } from '../test/support/server';

const CHUNK = 1024 * 1024;

interface ServerReady {
  baseUrl: string;
  adminKey: string;
  nodeToken: string;
  runId: string;
  fencingToken: number;
}

/** In the child: a real server (SQLite file, local folder or S3 per the env) and a run a node holds. */
async function serve(): Promise<void> {
  const s3Env = process.env.BENCH_S3_ENDPOINT
    ? { S3_BUCKET: process.env.BENCH_S3_BUCKET!, S3_ENDPOINT: process.env.BENCH_S3_ENDPOINT, S3_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey }
    : undefined;
  const server = await startTestServer({ config: s3Env ? { s3Bucket: s3Env.S3_BUCKET } : {}, env: s3Env ?? {} });
  const node = await registerNodeKey(server, 'bench-node');
  const run = await heldRun(server, node);
  const ready: ServerReady = { baseUrl: server.baseUrl, adminKey: server.adminKey, nodeToken: node.token, runId: run.id, fencingToken: run.fencingToken };
  process.send!(ready);
  process.once('disconnect', () => void server.close().then(() => process.exit(0)));
}

/** `size` bytes, deterministic, made a chunk at a time. */
function* generatedChunks(size: number): Generator<Uint8Array> {
  for (let offset = 0; offset < size; offset += CHUNK) {
    const chunk = new Uint8Array(Math.min(CHUNK, size - offset));
    for (let i = 0; i < chunk.length; i += 4096) chunk[i] = (offset + i) & 255;
    yield chunk;
  }
}

function sha256Of(size: number): string {
  const hash = createHash('sha256');
  for (const chunk of generatedChunks(size)) hash.update(chunk);
  return hash.digest('hex');
}

/** Sends the body chunk by chunk with its Content-Length, honouring backpressure. */
function putStreamed(url: string, headers: Record<string, string>, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: { ...headers, 'Content-Length': String(size) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    const chunks = generatedChunks(size);
    const writeMore = () => {
      for (let next = chunks.next(); !next.done; next = chunks.next()) if (!req.write(next.value)) return void req.once('drain', writeMore);
      req.end();
    };
    writeMore();
  });
}

const statusField = async (pid: number, field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(await readFile(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

/** Runs `upload` against the child and reports its RSS before and its peak during (bytes). */
async function measure(pid: number, upload: () => Promise<void>): Promise<{ before: number; peak: number }> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
  const before = await statusField(pid, 'VmRSS');
  await upload();
  return { before, peak: await statusField(pid, 'VmHWM') };
}

async function startChild(env: Record<string, string>): Promise<{ child: ChildProcess; ready: ServerReady }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    child.once('message', (message) => resolve(message as ServerReady));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, ready };
}

async function checkpointRow(store: string, size: number, sha256: string, env: Record<string, string>): Promise<string> {
  const { child, ready } = await startChild(env);
  try {
    const url = `${ready.baseUrl}/v1/runs/${ready.runId}/checkpoints/1/files/weights.bin`;
    const headers = {
      Authorization: `Bearer ${ready.nodeToken}`,
      'Content-Type': 'application/octet-stream',
      'Distillery-Fencing-Token': String(ready.fencingToken),
      'Distillery-Content-Sha256': sha256,
    };
    const started = Date.now();
    const result = await measure(child.pid!, async () => {
      const status = await putStreamed(url, headers, size);
      if (status !== 200) throw new Error(`checkpoint PUT answered ${status}`);
    });
    return row(`checkpoint PUT (streamed), ${store}`, size, result, Date.now() - started);
  } finally {
    child.disconnect();
  }
}

/** The existing multipart upload of a dense model whose weights are about `size` bytes, for comparison. */
async function versionUploadRow(size: number): Promise<string> {
  const units = 1000;
  const inputs = Math.round(size / 4 / units);
  const artifact = await denseArtifactWithShape(inputs, units);
  const { child, ready } = await startChild({});
  try {
    const auth = { Authorization: `Bearer ${ready.adminKey}` };
    const labels = Array.from({ length: units }, (_, i) => `c${i}`);
    const model = await fetch(`${ready.baseUrl}/v1/models`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'big', task: 'classification', inputShape: [inputs], classLabels: labels }) });
    if (model.status !== 201) throw new Error(`create model answered ${model.status}: ${await model.text()}`);
    const form = new FormData();
    form.append('model.json', new Blob([encodeJson(artifact.modelJson) as Uint8Array<ArrayBuffer>]), 'model.json');
    for (const [name, bytes] of artifact.weightFiles) form.append('weights', new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
    const weightBytes = [...artifact.weightFiles.values()].reduce((sum, bytes) => sum + bytes.byteLength, 0);
    const started = Date.now();
    const result = await measure(child.pid!, async () => {
      const response = await fetch(`${ready.baseUrl}/v1/models/big/versions`, { method: 'POST', headers: auth, body: form });
      if (response.status !== 201) throw new Error(`version upload answered ${response.status}: ${await response.text()}`);
    });
    return row('version upload (multipart), local folder', weightBytes, result, Date.now() - started);
  } finally {
    child.disconnect();
  }
}

function row(name: string, size: number, { before, peak }: { before: number; peak: number }, ms: number): string {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  return `| ${name} | ${mb(size)} | ${mb(before)} | ${mb(peak)} | ${mb(peak - before)} | ${((peak - before) / size).toFixed(2)}x | ${(ms / 1000).toFixed(1)} |`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { mb: { type: 'string', default: '135' }, serve: { type: 'boolean', default: false } } });
  if (values.serve) return serve();
  const size = Number(values.mb) * 1e6;
  const sha256 = sha256Of(size);
  const rows = [await checkpointRow('local folder', size, sha256, {})];
  const s3 = await startS3rver();
  try {
    rows.push(await checkpointRow('S3 (s3rver)', size, sha256, { BENCH_S3_ENDPOINT: s3.endpoint, BENCH_S3_BUCKET: s3.bucket }));
  } finally {
    await s3.stop();
  }
  rows.push(await versionUploadRow(size));
  process.stdout.write(
    ['| upload | body MB | server RSS before MB | server peak RSS MB | growth MB | growth / body | s |', '|---|---:|---:|---:|---:|---:|---:|', ...rows, ''].join('\n'),
  );
}

await main();
