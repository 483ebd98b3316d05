// One tiny distill run three ways: teachers run on every batch, teacher logits computed once for the run, and
// teacher logits given (a later run reusing the cached blob). Wall time of the whole run, median of --repeats.
//
//   npx tsx bench/teacher-logits-cache.ts [--backend wasm] [--examples 2000] [--epochs 3] [--teachers 2] [--repeats 3]
//
// Prints a markdown table; results and the exact command: bench/teacher-logits-cache.md.
import * as tf from '@tensorflow/tfjs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { LabelledImages } from '../src/datasets';
import { computeTeacherLogits, distillModel, distillModelFromLogits, type DistillSpecInput } from '../src/training';
import { selectBackend, type BackendPreference } from '../src/training/backend';
import { buildModel } from '../src/training/models';
import { mulberry32, randomInt } from '../src/training/random';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    examples: { type: 'string', default: '2000' },
    epochs: { type: 'string', default: '3' },
    teachers: { type: 'string', default: '2' },
    repeats: { type: 'string', default: '3' },
  },
});
const examples = Number(args.examples);
const repeats = Number(args.repeats);
const spec: DistillSpecInput = { architecture: 'mlp', epochs: Number(args.epochs), batchSize: 128, seed: 1 };

/** MNIST-shaped random images in 10 classes: only the amount of work matters here, not what is learnt. */
function randomImages(count: number): LabelledImages {
  const random = mulberry32(7);
  const pixels = Uint8Array.from({ length: count * 28 * 28 }, () => randomInt(random, 256));
  const labels = Uint8Array.from({ length: count }, () => randomInt(random, 10));
  return { count, height: 28, width: 28, channels: 1, pixels, labels, numClasses: 10 };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

await selectBackend(args.backend as BackendPreference);
const train = randomImages(examples);
// cnn-small teachers (a student cheaper than its teachers, as in distillation), freshly initialised: the same work as trained ones.
const teachers = Array.from({ length: Number(args.teachers) }, (_, i) =>
  buildModel('cnn-small', { inputShape: [28, 28, 1], numClasses: 10, seed: 100 + i }),
);
const normalization = { mean: [0.5], std: [0.5] };
const computeAll = () => Promise.all(teachers.map((teacher) => computeTeacherLogits(teacher, train, { normalization, batchSize: 128 })));
const cachedLogits = await computeAll();

const variants: [string, () => Promise<unknown>][] = [
  ['teachers on every batch (distillModel)', async () => (await distillModel(spec, teachers, train)).model.dispose()],
  ['logits computed once for the run (computeTeacherLogits + distillModelFromLogits)', async () =>
    (await distillModelFromLogits(spec, await computeAll(), train)).model.dispose()],
  ['logits cached by an earlier run (distillModelFromLogits)', async () => (await distillModelFromLogits(spec, cachedLogits, train)).model.dispose()],
  ['computing the logits alone (computeTeacherLogits, every teacher)', computeAll],
];

const rows: string[] = [];
for (const [label, run] of variants) {
  await run(); // warm-up: kernels compiled, memory grown
  const seconds: number[] = [];
  for (let r = 0; r < repeats; r++) seconds.push(await timed(run));
  rows.push(`| ${label} | ${median(seconds).toFixed(2)} s | ${Math.min(...seconds).toFixed(2)} s | ${Math.max(...seconds).toFixed(2)} s |`);
  process.stderr.write(`${label}: ${seconds.map((s) => s.toFixed(2)).join(', ')}\n`);
}
teachers.forEach((teacher) => teacher.dispose());

console.log(`backend ${tf.getBackend()}, ${examples} examples 28x28x1, 10 classes, ${spec.epochs} epochs, batch 128, student mlp, ${teachers.length} cnn-small teachers; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
console.log(`| distill run (${repeats} repeats after 1 warm-up) | median | min | max |`);
console.log('|---|---:|---:|---:|');
console.log(rows.join('\n'));
