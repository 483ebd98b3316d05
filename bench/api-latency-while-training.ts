// Does training stall the HTTP server? Starts the embedded default (`src/server.ts`: SQLite, local
// folder, one in-process node whose training runs on a worker thread) in a child process, then
// measures GET /health and a registry read (GET /v1/models) from this process: first while idle,
// then while a cnn-small run trains on the built-in fashion-mnist. The run holds out 90 % of the
// training file for validation so that epochs are short and the window spans epoch ends too
// (validation, checkpoint upload and recording), not only batches. Markdown on stdout.
//
//   npx tsx bench/api-latency-while-training.ts [--seconds 45] [--rate 40] [--backend wasm]
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startBenchServer, type BenchServer } from './server-process';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '45' },
    rate: { type: 'string', default: '40' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const seconds = Number(values.seconds);
/** Requests per second to each endpoint, sent one after another on a fixed schedule (not back to back). */
const rate = Number(values.rate);
let server: BenchServer;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Latencies of `path` sampled `rate` times a second for `seconds`. */
async function sample(path: string): Promise<number[]> {
  const latencies: number[] = [];
  const interval = 1000 / rate;
  const start = performance.now();
  for (let i = 0; i < seconds * rate; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const sent = performance.now();
    const response = await fetch(`${server.base}${path}`, { headers: server.auth });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
    latencies.push(performance.now() - sent);
  }
  return latencies;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function row(phase: string, path: string, latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const cells = [50, 95, 99].map((p) => percentile(sorted, p).toFixed(1));
  return `| ${phase} | \`GET ${path}\` | ${sorted.length} | ${cells.join(' | ')} | ${sorted.at(-1)!.toFixed(1)} |`;
}

interface Run {
  id: string;
  status: string;
  progress: { epoch: number; batch?: number | null } | null;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'distillery-latency-'));
  server = await startBenchServer({
    DISTILLERY_DATA_DIR: dataDir,
    DISTILLERY_EMBEDDED_NODES: '1',
    DISTILLERY_BACKEND: values.backend,
  });
  const { api } = server;
  try {
    await api('/v1/datasets/builtin', { method: 'POST', body: JSON.stringify({ builtin: 'fashion-mnist', name: 'fashion' }) });
    const idle = { health: await sample('/health'), models: await sample('/v1/models') };

    const run = await api<Run>('/v1/runs', {
      method: 'POST',
      body: JSON.stringify({ kind: 'train', dataset: { name: 'fashion' }, model: 'latency-bench', architecture: 'cnn-small', hyperparameters: { epochs: 50, validationFraction: 0.9 } }),
    });
    // Measure only once batches are flowing: the node has downloaded the data and the thread trains.
    for (let current = run; !current.progress?.batch; current = await api<Run>(`/v1/runs/${run.id}`)) {
      if (current.status !== 'queued' && current.status !== 'running') throw new Error(`the run ended early: ${current.status}`);
      await sleep(250);
    }
    const checkpoints = async () => (await api<{ items: unknown[] }>(`/v1/runs/${run.id}/checkpoints`)).items.length;
    const checkpointsBefore = await checkpoints();
    const [health, models] = await Promise.all([sample('/health'), sample('/v1/models')]);
    const after = await api<Run>(`/v1/runs/${run.id}`);
    const checkpointsDuring = (await checkpoints()) - checkpointsBefore;
    if (after.status !== 'running') throw new Error(`the run was not training throughout the measurement: ${after.status}`);

    process.stdout.write(
      [
        `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, embedded node on backend \`${values.backend}\`, ` +
          `${rate} requests/s to each endpoint for ${seconds} s (idle: one endpoint at a time; training: both at once), ` +
          `training: cnn-small on fashion-mnist (6,000 training and 54,000 validation images), batch 128; ` +
          `${checkpointsDuring} epochs ended (validated, checkpoint uploaded and recorded) while sampling.`,
        '',
        '| phase | request | n | p50 ms | p95 ms | p99 ms | max ms |',
        '|---|---|---:|---:|---:|---:|---:|',
        row('idle', '/health', idle.health),
        row('idle', '/v1/models', idle.models),
        row('training', '/health', health),
        row('training', '/v1/models', models),
        '',
      ].join('\n'),
    );
    await api(`/v1/runs/${run.id}/cancel`, { method: 'POST' });
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
