// The Worker's size against the Workers plan limits (gzip-compressed, as Cloudflare counts it), its cold
// start in workerd (Miniflare start to the first /health answer), and the cost of the SHA-256s the R2 store
// verifies streams with (workerd's DigestStream, and the plain-JS fallback), inside workerd. Markdown on stdout.
//
//   npx tsx bench/worker-bundle.ts [--runs 7] [--hash-mib 32]
import { readFile, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { buildWorkerBundle, PROJECT_ROOT } from '../test/worker/worker-bundle';
import { migratedLocalState, startWorkerd } from '../test/worker/workerd-worker';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, 'hash-mib': { type: 'string', default: '32' } } });
const runs = Number(values.runs);
const hashMiB = Number(values['hash-mib']);
const MB = 1024 * 1024;
const FREE_PLAN = 3 * MB;
const PAID_PLAN = 10 * MB;

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function sizes(): Promise<string[]> {
  const bundle = await buildWorkerBundle();
  try {
    const script = await readFile(bundle.scriptPath);
    const minified = await build({ entryPoints: [bundle.scriptPath], bundle: false, minify: true, write: false, format: 'esm' });
    const minifiedBytes = minified.outputFiles[0]!.contents;
    const gzip = gzipSync(script).byteLength;
    const gzipMinified = gzipSync(minifiedBytes).byteLength;
    const biggest: Record<string, number> = {};
    for (const output of Object.values(bundle.metafile.outputs)) {
      for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
        const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? 'src (Distillery)';
        biggest[name] = (biggest[name] ?? 0) + bytesInOutput;
      }
    }
    return [
      '| bundle (wrangler deploy --dry-run) | raw | gzip | share of Free (3 MB) | share of Paid (10 MB) |',
      '|---|---:|---:|---:|---:|',
      `| as deployed (wrangler.toml: no minify) | ${kib(script.byteLength)} | ${kib(gzip)} | ${((100 * gzip) / FREE_PLAN).toFixed(1)} % | ${((100 * gzip) / PAID_PLAN).toFixed(1)} % |`,
      `| minified (esbuild --minify) | ${kib(minifiedBytes.byteLength)} | ${kib(gzipMinified)} | ${((100 * gzipMinified) / FREE_PLAN).toFixed(1)} % | ${((100 * gzipMinified) / PAID_PLAN).toFixed(1)} % |`,
      '',
      '| largest contributors (raw bytes in the bundle) | bytes |',
      '|---|---:|',
      ...Object.entries(biggest)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([name, bytes]) => `| ${name} | ${kib(bytes)} |`),
    ];
  } finally {
    await bundle.dispose();
  }
}

/** Miniflare start (workerd process, script load) and the first /health (app built from env, D1 bootstrap check). */
async function coldStarts(): Promise<string[]> {
  const bundle = await buildWorkerBundle();
  const state = await migratedLocalState();
  const starts: number[] = [];
  const firsts: number[] = [];
  const warms: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const begin = performance.now();
      const worker = await startWorkerd(bundle.scriptPath, state.folder, { DISTILLERY_ADMIN_KEY: 'dk_benchadmin_0123456789abcdefXYZ', LOG_LEVEL: 'warn' });
      const ready = performance.now();
      const first = await fetch(`${worker.url}/health`);
      if (first.status !== 200) throw new Error(`/health answered ${first.status}: ${await first.text()}`);
      const answered = performance.now();
      await (await fetch(`${worker.url}/health`)).arrayBuffer();
      const warm = performance.now();
      starts.push(ready - begin);
      firsts.push(answered - ready);
      warms.push(warm - answered);
      await worker.dispose();
    }
  } finally {
    await Promise.all([state.dispose(), bundle.dispose()]);
  }
  return [
    `| workerd (Miniflare), ${runs} runs | median | min | max |`,
    '|---|---:|---:|---:|',
    ...([['Miniflare start to ready (workerd process, script evaluation)', starts], ['first /health (app built from env, D1 key check)', firsts], ['second /health (warm isolate)', warms]] as const).map(
      ([label, samples]) => `| ${label} | ${ms(median(samples))} | ${ms(Math.min(...samples))} | ${ms(Math.max(...samples))} |`,
    ),
  ];
}

/** Wall time of hashing `hashMiB` MiB inside workerd with the SHA-256 the Worker's R2 store uses, minus an empty request. */
async function hashingInWorkerd(): Promise<string[]> {
  const entry = join(PROJECT_ROOT, 'bench', '.sha256-worker.ts');
  await writeFile(entry, `import { digestStreamSha256 } from '../src/registry/adapters/blob/digest-stream-sha256';
export default { async fetch(request: Request) {
  const query = new URL(request.url).searchParams;
  const mib = Number(query.get('mib'));
  const chunk = new Uint8Array(1024 * 1024).fill(7);
  const hash = digestStreamSha256();
  for (let i = 0; i < mib; i++) hash.update(chunk);
  return new Response(await hash.digestHex());
} };
`);
  try {
    const built = await build({ entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'neutral' });
    const mf = new Miniflare({ modules: true, script: built.outputFiles[0]!.text, compatibilityDate: '2026-04-26' });
    try {
      const url = (await mf.ready).toString();
      const time = async (mib: number) => {
        const begin = performance.now();
        await (await fetch(`${url}?mib=${mib}`)).text();
        return performance.now() - begin;
      };
      await time(hashMiB); // warm up
      const samples: number[] = [];
      for (let run = 0; run < 5; run++) samples.push((await time(hashMiB)) - (await time(0)));
      const perMiB = median(samples) / hashMiB;
      return [
        `| SHA-256 of ${hashMiB} MiB in workerd, median of 5 | per MiB | throughput |`,
        '|---|---:|---:|',
        `| crypto.DigestStream (what the Worker uses) | ${ms(perMiB)} | ${(1000 / perMiB).toFixed(0)} MiB/s |`,
      ];
    } finally {
      await mf.dispose();
    }
  } finally {
    await rm(entry, { force: true });
  }
}

const [sizeTable, startTable, hashTable] = [await sizes(), await coldStarts(), await hashingInWorkerd()];
process.stdout.write(
  [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), Node ${process.version}, wrangler 4.86.0, workerd from miniflare 4.20260426.0.`,
    '',
    ...sizeTable,
    '',
    ...startTable,
    '',
    ...hashTable,
    '',
  ].join('\n'),
);
