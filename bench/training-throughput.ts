// Training and inference throughput of cnn-small and resnet18-cifar: tfjs backends side by side with PyTorch.
//
//   npx tsx bench/training-throughput.ts [--steps 10] [--resnet-steps 5] [--warmup 2] [--cpu-steps 2]
//       [--threads 1,2] [--models cnn-small,resnet18-cifar] [--runtimes pytorch,onednn,wasm,wasm-package,cpu]
//       [--profile onednn|wasm]
//
// Prints a markdown table (median of the timed steps after warm-up) and, with --profile, the
// per-kernel time of one training step on that runtime. PyTorch and wasm+onednn run at each of
// --threads; the wasm and cpu backends have one thread in Node. Results and the exact commands:
// bench/results.md.
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  registerWasmTrainingKernels,
  selectBackend,
  unregisterWasmTrainingKernels,
} from '../src/training/backend';
import { buildModel, type Architecture } from '../src/training/models';

interface Workload {
  model: Architecture;
  inputShape: [number, number, number];
  batch: number;
}

type Mode = 'train' | 'infer';

/** A tfjs configuration to time: backend plus which of the project's wasm kernels are installed. */
interface TfjsVariant {
  /** Name for --runtimes. */
  id: string;
  label: string;
  backend: 'onednn' | 'wasm' | 'cpu';
  kernels: 'project' | 'package';
  /** Whether it computes on more than one thread (only wasm+onednn here). */
  threaded: boolean;
}

interface Row {
  workload: Workload;
  mode: Mode;
  runtime: string;
  threads: number;
  medianSeconds: number;
}

const WORKLOADS: Workload[] = [
  { model: 'cnn-small', inputShape: [28, 28, 1], batch: 128 },
  { model: 'resnet18-cifar', inputShape: [32, 32, 3], batch: 32 },
];

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '10' },
    'resnet-steps': { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    'cpu-steps': { type: 'string', default: '2' },
    threads: { type: 'string', default: '1' },
    models: { type: 'string', default: WORKLOADS.map((w) => w.model).join(',') },
    runtimes: { type: 'string', default: 'pytorch,onednn,wasm,wasm-package,cpu' },
    profile: { type: 'string' },
  },
});

const warmup = Number(args.warmup);
const stepsFor = (workload: Workload) => Number(workload.model === 'cnn-small' ? args.steps : args['resnet-steps']);
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function useVariant(variant: TfjsVariant, threads: number): Promise<void> {
  await selectBackend(variant.backend, { threads });
  // The native kernels sit over the project's wasm kernels, which stay as they are under them.
  if (variant.backend !== 'wasm') return;
  unregisterWasmTrainingKernels();
  // The package has no Conv2DBackpropFilter at all, so its training baseline keeps only that one.
  registerWasmTrainingKernels(variant.kernels === 'project' ? undefined : [tf.Conv2DBackpropFilter]);
}

/** One step: forward + softmax cross-entropy + backward + Adam, or a forward pass in inference mode. */
function makeStep(workload: Workload, mode: Mode): { step: () => void; dispose: () => void } {
  const model = buildModel(workload.model, { inputShape: workload.inputShape, numClasses: 10, seed: 1 });
  const x = tf.randomNormal([workload.batch, ...workload.inputShape], 0, 1, 'float32', 1);
  const labels = tf.oneHot(tf.randomUniform([workload.batch], 0, 10, 'int32', 2) as tf.Tensor1D, 10);
  const optimizer = tf.train.adam(1e-3);
  const step =
    mode === 'train'
      ? () => {
          const loss = optimizer.minimize(
            () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
            true,
          )!;
          loss.dataSync();
          loss.dispose();
        }
      : () => {
          const logits = model.predict(x) as tf.Tensor;
          logits.dataSync();
          logits.dispose();
        };
  return {
    step,
    dispose: () => {
      optimizer.dispose();
      model.dispose();
      tf.dispose([x, labels]);
    },
  };
}

async function timeTfjs(variant: TfjsVariant, threads: number, workload: Workload, mode: Mode, warmupSteps: number, steps: number) {
  await useVariant(variant, threads);
  const { step, dispose } = makeStep(workload, mode);
  for (let i = 0; i < warmupSteps; i++) step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    step();
    times.push((performance.now() - start) / 1000);
  }
  dispose();
  return median(times);
}

function timePytorch(workload: Workload, mode: Mode, threads: number): number {
  const script = fileURLToPath(new URL('./pytorch_throughput.py', import.meta.url));
  const threadEnv = { OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  const output = execFileSync(
    '/usr/bin/python3',
    [
      script,
      ...['--model', workload.model, '--mode', mode, '--batch', String(workload.batch)],
      ...['--shape', workload.inputShape.join(','), '--threads', String(threads)],
      ...['--warmup', String(warmup), '--steps', String(stepsFor(workload))],
    ],
    { encoding: 'utf8', env: { ...process.env, ...threadEnv } },
  );
  return (JSON.parse(output.trim().split('\n').at(-1)!) as { median_s: number }).median_s;
}

/** Per-kernel wall time of one training step (after a warm-up step). */
async function profileTraining(variant: TfjsVariant, threads: number, workload: Workload): Promise<void> {
  await useVariant(variant, threads);
  const { step, dispose } = makeStep(workload, 'train');
  step();
  const profile = await tf.profile(step);
  dispose();
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const k of profile.kernels) {
    // Ops that wrap kernels (names with "__op") would count their inner kernels twice.
    if (k.name.includes('__op')) continue;
    const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += k.kernelTimeMs as number;
    entry.calls += 1;
    byKernel.set(k.name, entry);
  }
  const total = [...byKernel.values()].reduce((sum, e) => sum + e.ms, 0);
  console.log(`\n${variant.label} (${threads} thread(s)) training step, ${workload.model} batch ${workload.batch}: ${total.toFixed(0)} ms in kernels`);
  console.log('| kernel | ms | share | calls |\n|---|---:|---:|---:|');
  for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) {
    console.log(`| ${name} | ${e.ms.toFixed(0)} | ${((100 * e.ms) / total).toFixed(1)} % | ${e.calls} |`);
  }
}

async function main(): Promise<void> {
  const workloads = WORKLOADS.filter((w) => args.models.split(',').includes(w.model));
  const runtimes = args.runtimes.split(',');
  const threadCounts = args.threads.split(',').map(Number);
  const torchThreads = runtimes.includes('pytorch') ? threadCounts : [];
  const rows: Row[] = [];
  const allVariants: TfjsVariant[] = [
    { id: 'onednn', label: 'tfjs wasm+onednn', backend: 'onednn', kernels: 'project', threaded: true },
    { id: 'wasm', label: 'tfjs wasm, project kernels', backend: 'wasm', kernels: 'project', threaded: false },
    { id: 'wasm-package', label: 'tfjs wasm, package kernels', backend: 'wasm', kernels: 'package', threaded: false },
    { id: 'cpu', label: 'tfjs cpu', backend: 'cpu', kernels: 'package', threaded: false },
  ];
  const variants = allVariants.filter((v) => runtimes.includes(v.id));
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`load average before: ${load()}`);
  for (const workload of workloads) {
    for (const mode of ['train', 'infer'] as const) {
      for (const threads of torchThreads) {
        rows.push({ workload, mode, runtime: 'PyTorch', threads, medianSeconds: timePytorch(workload, mode, threads) });
      }
      for (const variant of variants) {
        // The pure-JS backend is ~100x slower: only the small model, for a couple of steps.
        if (variant.backend === 'cpu' && workload.model !== 'cnn-small') continue;
        const [w, s] = variant.backend === 'cpu' ? [1, Number(args['cpu-steps'])] : [warmup, stepsFor(workload)];
        for (const threads of variant.threaded ? threadCounts : [1]) {
          const seconds = await timeTfjs(variant, threads, workload, mode, w, s);
          rows.push({ workload, mode, runtime: variant.label, threads, medianSeconds: seconds });
        }
      }
      const done = rows.filter((r) => r.workload === workload && r.mode === mode);
      // Progress (and a record if a later, slower measurement is interrupted).
      for (const r of done) console.log(`${workload.model} ${mode} ${r.runtime} x${r.threads}: ${(r.workload.batch / r.medianSeconds).toFixed(1)} img/s`);
    }
  }
  console.log(`load average after: ${load()}\n`);
  console.log('| model | batch | step | runtime | threads | images/s | ms/step | vs PyTorch, same threads |');
  console.log('|---|---:|---|---|---:|---:|---:|---:|');
  for (const r of rows) {
    const reference = rows.find((p) => p.runtime === 'PyTorch' && p.threads === r.threads && p.workload === r.workload && p.mode === r.mode);
    const ratio = reference === undefined ? 'n/a' : `${(reference.medianSeconds / r.medianSeconds).toFixed(2)}x`;
    console.log(
      `| ${r.workload.model} | ${r.workload.batch} | ${r.mode === 'train' ? 'training' : 'inference'} | ${r.runtime} | ${r.threads} | ` +
        `${(r.workload.batch / r.medianSeconds).toFixed(1)} | ${(1000 * r.medianSeconds).toFixed(0)} | ${ratio} |`,
    );
  }
  const profiled = allVariants.find((v) => v.id === args.profile);
  if (args.profile !== undefined && profiled === undefined) throw new Error(`--profile takes onednn or wasm, not ${args.profile}`);
  if (profiled) for (const workload of workloads) for (const threads of profiled.threaded ? threadCounts : [1]) await profileTraining(profiled, threads, workload);
}

await main();
