// Predict throughput and latency over HTTP: `cnn-small` and a 5-member `cnn-small` ensemble behind the TF Serving
// REST route, dynamic batching off (max batch 1) and on, at several concurrencies (autocannon in this process against
// `src/server.ts` in a child process), beside PyTorch's inference of the same architecture on the same threads.
// Markdown on stdout, progress on stderr.
//
//   npx tsx bench/predict-throughput.ts [--seconds 10] [--concurrency 1,8,32,128] [--workers 2] [--members 5]
//
// Untrained weights (seeded): throughput does not depend on what the weights are.
import autocannon from 'autocannon';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exportUntrainedModel } from '../src/cli/export-model';
import { startBenchServer, type BenchServer } from './server-process';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '1,8,32,128' },
    workers: { type: 'string', default: '2' },
    members: { type: 'string', default: '5' },
    'max-batch': { type: 'string', default: '64' },
    'batch-delay-ms': { type: 'string', default: '0' },
  },
});
const seconds = Number(values.seconds);
const concurrencies = values.concurrency.split(',').map(Number);
const workers = Number(values.workers);
const memberCount = Number(values.members);
const MODEL = 'bench-cnn';
const ENSEMBLE = 'bench-cnn-ensemble';
const SHAPE: [number, number, number] = [28, 28, 1];

const log = (message: string) => process.stderr.write(`${message}\n`);

/** One 28x28x1 instance of seeded pseudo-random values in [-1, 1], in TF Serving's row format. */
function predictBody(): string {
  let state = 1;
  const next = () => ((state = (state * 48271) % 2147483647) / 2147483647) * 2 - 1;
  const image = Array.from({ length: SHAPE[0] }, () => Array.from({ length: SHAPE[1] }, () => [Number(next().toFixed(4))]));
  return JSON.stringify({ instances: [image] });
}

async function registerModels(server: BenchServer, dir: string): Promise<void> {
  const classLabels = Array.from({ length: 10 }, (_, i) => String(i));
  await server.api('/v1/models', { method: 'POST', body: JSON.stringify({ name: MODEL, task: 'image-classification', inputShape: SHAPE, classLabels }) });
  for (let seed = 0; seed < memberCount; seed++) {
    const outDir = join(dir, `seed-${seed}`);
    await exportUntrainedModel({ architecture: 'cnn-small', inputShape: SHAPE, numClasses: 10, seed, outDir });
    const form = new FormData();
    form.set('model.json', new Blob([await readFile(join(outDir, 'model.json'))]), 'model.json');
    form.set('weights', new Blob([await readFile(join(outDir, 'weights.bin'))]), 'weights.bin');
    await server.api(`/v1/models/${MODEL}/versions`, { method: 'POST', body: form });
  }
  const members = Array.from({ length: memberCount }, (_, i) => ({ model: MODEL, version: i + 1 }));
  await server.api('/v1/ensembles', { method: 'POST', body: JSON.stringify({ name: ENSEMBLE, members }) });
}

/** Sum and count of a Prometheus histogram (all label sets whose labels include `target`). */
function histogramTotals(metrics: string, name: string, target: string): { sum: number; count: number } {
  const total = (suffix: string) =>
    metrics
      .split('\n')
      .filter((line) => line.startsWith(`${name}_${suffix}{`) && line.includes(`target="${target}"`))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  return { sum: total('sum'), count: total('count') };
}

interface Point {
  target: string;
  batching: string;
  connections: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  meanBatchRows: number;
  /** Worker time per batch, ms (the model's own compute, every member for an ensemble). */
  meanComputeMs: number;
}

async function measure(server: BenchServer, target: string, batching: string, connections: number, body: string): Promise<Point> {
  const url = `${server.base}/v1/models/${target}:predict`;
  const options = { url, method: 'POST' as const, body, headers: { ...server.auth, 'Content-Type': 'application/json' } };
  await autocannon({ ...options, connections, duration: 2 }); // warm-up: models loaded, JIT warm
  const metricsBefore = await fetch(`${server.base}/metrics`, { headers: server.auth }).then((r) => r.text());
  const result = await autocannon({ ...options, connections, duration: seconds });
  const metricsAfter = await fetch(`${server.base}/metrics`, { headers: server.auth }).then((r) => r.text());
  const delta = (name: string) => {
    const [a, b] = [histogramTotals(metricsBefore, name, target), histogramTotals(metricsAfter, name, target)];
    return { sum: b.sum - a.sum, count: b.count - a.count };
  };
  const rows = delta('distillery_predict_batch_size');
  const compute = delta('distillery_predict_compute_seconds');
  const point: Point = {
    target,
    batching,
    connections,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    meanBatchRows: rows.count ? rows.sum / rows.count : 0,
    meanComputeMs: compute.count ? (compute.sum / compute.count) * 1000 : 0,
  };
  log(`${target} batching ${batching} c=${connections}: ${point.requestsPerSecond.toFixed(0)} req/s, p50 ${point.p50} ms, p99 ${point.p99} ms, batch ${point.meanBatchRows.toFixed(1)} rows`);
  return point;
}

/**
 * Latency of requests sent one after another on one keep-alive connection, in microseconds (autocannon reports whole
 * milliseconds, too coarse for the per-request overhead), and the worker's compute time per batch meanwhile.
 */
async function sequentialLatency(server: BenchServer, target: string, body: string, requests: number): Promise<{ p50Ms: number; computeMs: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(`${server.base}/v1/models/${target}:predict`);
  const send = () =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const request = httpRequest(url, { method: 'POST', agent, headers: { ...server.auth, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (response) => {
        response.on('data', () => {});
        response.on('end', () => (response.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`status ${response.statusCode}`))));
      });
      request.on('error', reject);
      request.end(body);
    });
  for (let i = 0; i < 50; i++) await send();
  const metricsBefore = await fetch(`${server.base}/metrics`, { headers: server.auth }).then((r) => r.text());
  const latencies: number[] = [];
  for (let i = 0; i < requests; i++) latencies.push(await send());
  const metricsAfter = await fetch(`${server.base}/metrics`, { headers: server.auth }).then((r) => r.text());
  agent.destroy();
  const [a, b] = [histogramTotals(metricsBefore, 'distillery_predict_compute_seconds', target), histogramTotals(metricsAfter, 'distillery_predict_compute_seconds', target)];
  latencies.sort((x, y) => x - y);
  return { p50Ms: latencies[Math.floor(latencies.length / 2)]!, computeMs: ((b.sum - a.sum) / (b.count - a.count)) * 1000 };
}

function pytorchImagesPerSecond(batch: number, threads: number): number {
  const args = ['bench/pytorch_throughput.py', '--model', 'cnn-small', '--mode', 'infer', '--batch', String(batch), '--shape', SHAPE.join(','), '--threads', String(threads), '--steps', '50', '--warmup', '5'];
  const run = spawnSync('/usr/bin/python3', args, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) } });
  if (run.status !== 0) throw new Error(`PyTorch failed: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { images_per_s: number }).images_per_s;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'distillery-predict-bench-'));
  const load = [loadavg()[0]!.toFixed(2)];
  const body = predictBody();
  const points: Point[] = [];
  // Both servers open the same registry: the second must use the admin key the first created.
  const adminKey = `dk_bench_${randomBytes(24).toString('base64url')}`;
  let sequential = { p50Ms: NaN, computeMs: NaN };
  try {
    for (const [batching, maxBatch] of [['off', '1'], ['on', values['max-batch']]] as const) {
      const server = await startBenchServer({
        DISTILLERY_DATA_DIR: dataDir,
        DISTILLERY_EMBEDDED_NODES: '0',
        DISTILLERY_BACKEND: 'wasm',
        DISTILLERY_INFERENCE_WORKERS: String(workers),
        DISTILLERY_MAX_BATCH_SIZE: maxBatch,
        DISTILLERY_BATCH_DELAY_MS: values['batch-delay-ms'],
      }, adminKey);
      try {
        if (batching === 'off') {
          await registerModels(server, join(dataDir, 'artifacts'));
          sequential = await sequentialLatency(server, MODEL, body, 2000);
          log(`sequential: p50 ${sequential.p50Ms.toFixed(3)} ms, compute ${sequential.computeMs.toFixed(3)} ms`);
        }
        for (const target of [MODEL, ENSEMBLE]) {
          for (const connections of concurrencies) points.push(await measure(server, target, batching, connections, body));
        }
      } finally {
        await server.stop();
      }
    }
    log('PyTorch…');
    const torch = {
      single: pytorchImagesPerSecond(1, workers),
      batched: pytorchImagesPerSecond(Number(values['max-batch']), workers),
      batchedOneThread: pytorchImagesPerSecond(Number(values['max-batch']), 1),
    };
    load.push(loadavg()[0]!.toFixed(2));
    process.stdout.write(report(points, sequential, torch, load));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

function report(points: Point[], sequential: { p50Ms: number; computeMs: number }, torch: { single: number; batched: number; batchedOneThread: number }, load: string[]): string {
  const at = (target: string, batching: string, connections: number) =>
    points.find((p) => p.target === target && p.batching === batching && p.connections === connections);
  const lines = [
    `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}; server: ${workers} inference worker(s) on tfjs wasm (1 thread each), ` +
      `max batch ${values['max-batch']} rows, max queue delay ${values['batch-delay-ms']} ms when on; autocannon in the benchmark process on the same cores; ` +
      `${seconds} s per point after a 2 s warm-up; one 28x28x1 instance per request (TF Serving row format); load average ${load.join(' → ')}.`,
    '',
    '| target | batching | connections | requests/s | p50 ms | p99 ms | errors | mean batch rows | compute ms/batch |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...points.map((p) =>
      `| ${p.target === MODEL ? 'cnn-small' : `${memberCount}-member ensemble`} | ${p.batching} | ${p.connections} | ${p.requestsPerSecond.toFixed(0)} | ${p.p50} | ${p.p99} | ${p.errors} | ${p.meanBatchRows.toFixed(1)} | ${p.meanComputeMs.toFixed(2)} |`,
    ),
    '',
    `PyTorch cnn-small inference (bench/pytorch_throughput.py, same machine, same run): batch 1 on ${workers} threads ${torch.single.toFixed(0)} img/s; ` +
      `batch ${values['max-batch']} on ${workers} threads ${torch.batched.toFixed(0)} img/s, on 1 thread ${torch.batchedOneThread.toFixed(0)} img/s ` +
      `(a ${memberCount}-member ensemble: ${(torch.batched / memberCount).toFixed(0)} img/s).`,
    '',
  ];
  const ensembleOff = at(ENSEMBLE, 'off', 32);
  const ensembleOn = at(ENSEMBLE, 'on', 32);
  const bestBatched = Math.max(...points.filter((p) => p.target === MODEL && p.batching === 'on').map((p) => p.requestsPerSecond));
  if (ensembleOff && ensembleOn) lines.push(`- Batched ensemble throughput at 32 connections: ${(ensembleOn.requestsPerSecond / ensembleOff.requestsPerSecond).toFixed(2)}x unbatched (target ≥ 5x).`);
  lines.push(
    `- Server overhead per request (2,000 requests one after another on one keep-alive connection, batching off, cnn-small): ` +
      `p50 ${sequential.p50Ms.toFixed(3)} ms − the worker's compute ${sequential.computeMs.toFixed(3)} ms = ${(sequential.p50Ms - sequential.computeMs).toFixed(3)} ms ` +
      `(target < 1 ms; it includes the client's own time).`,
  );
  lines.push(`- Best batched cnn-small throughput: ${bestBatched.toFixed(0)} img/s = ${(bestBatched / torch.batched).toFixed(2)}x PyTorch batch ${values['max-batch']} on ${workers} threads (target ≥ 1x).`, '');
  return lines.join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
