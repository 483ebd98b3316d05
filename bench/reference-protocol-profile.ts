// Where a reproduction's wall time went, from what the API recorded: every run's node, queue wait, duration
// and the seconds inside its epochs (the rest is start-up: data and model loading, teacher logits, the last
// checkpoint and registration), and each node's busy and idle time over the protocol.
//
//   npx tsx bench/reference-protocol-profile.ts --out .reproduce/fashion-cnn
//
// Starts the reproduction's embedded service again on its files (no training node), reads, and stops it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDistilleryClient } from '../openapi/client';
import { expectData } from '../src/cli/api';
import { startEmbeddedService } from '../src/cli/reproduce/service';
import type { ReproductionState } from '../src/cli/reproduce/state';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
if (!values.out) throw new Error('--out DIR (a reproduction made on the embedded service) is required');
const state = JSON.parse(await readFile(join(values.out, 'state.json'), 'utf8')) as ReproductionState;
if (!state.embeddedAdminKey) throw new Error('this reproduction ran against --api: profile it there');
const service = await startEmbeddedService(values.out, 0, state.embeddedAdminKey);
const client = createDistilleryClient(service.url, service.token);

interface Row { step: string; kind: string; node: string; waitS: number; runS: number; epochS: number; start: number; end: number }
const rows: Row[] = [];
try {
  for (const [step, record] of Object.entries(state.steps)) {
    if (!record.runId) continue;
    const run = await expectData(client.GET('/v1/runs/{id}', { params: { path: { id: record.runId } } }));
    if (!run.startedAt || !run.finishedAt) continue;
    const metrics = run.kind === 'evaluate' ? { epochs: [] } : await expectData(client.GET('/v1/runs/{id}/metrics', { params: { path: { id: run.id } } }));
    const start = Date.parse(run.startedAt);
    const end = Date.parse(run.finishedAt);
    rows.push({
      step,
      kind: run.kind,
      node: record.node ?? '?',
      waitS: (start - Date.parse(run.createdAt)) / 1000,
      runS: (end - start) / 1000,
      epochS: metrics.epochs.reduce((sum, e) => sum + (e.seconds ?? 0), 0),
      start,
      end,
    });
  }
} finally {
  await service.close();
}

rows.sort((a, b) => a.start - b.start);
const first = Math.min(...rows.map((r) => r.start));
const last = Math.max(...rows.map((r) => r.end));
const f = (x: number) => x.toFixed(1);
const lines = [
  '| step | kind | node | queued for (s) | started at (s) | run (s) | in epochs (s) | outside epochs (s) |',
  '|---|---|---|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.step} | ${r.kind} | ${r.node} | ${f(r.waitS)} | ${f((r.start - first) / 1000)} | ${f(r.runS)} | ${f(r.epochS)} | ${f(r.runS - r.epochS)} |`),
  '',
  `From the first run's start to the last run's end: ${f((last - first) / 1000)} s.`,
  '',
  '| node | runs | busy (s) | idle between its first start and the last end (s) |',
  '|---|---:|---:|---:|',
];
for (const node of [...new Set(rows.map((r) => r.node))].sort()) {
  const mine = rows.filter((r) => r.node === node);
  const busy = mine.reduce((sum, r) => sum + r.runS, 0);
  lines.push(`| ${node} | ${mine.length} | ${f(busy)} | ${f((last - Math.min(...mine.map((r) => r.start))) / 1000 - busy)} |`);
}
const byKind = (kind: string) => rows.filter((r) => r.kind === kind);
for (const kind of ['train', 'distill', 'evaluate']) {
  const mine = byKind(kind);
  lines.push('', `${kind}: ${mine.length} runs, ${f(mine.reduce((s, r) => s + r.runS, 0))} s in all, ${f(mine.reduce((s, r) => s + r.epochS, 0))} s inside epochs.`);
}
process.stdout.write(`${lines.join('\n')}\n`);
