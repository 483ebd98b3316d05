// The reference experiment's protocol at laptop scale, through the training engine: N seeded teachers,
// their averaged-softmax ensemble, a student distilled from the ensemble, students self-distilled
// from each teacher, and the ensemble of those students — printed as the paper-style table.
//
//   npx tsx bench/reference-protocol.ts --dataset fashion-mnist --architecture mlp --seeds 3 --epochs 2
//
// The full experiment (ResNet-18, CIFAR-10, five seeds) is the same calls with other arguments and
// a GPU node's time; here it runs on whatever backend DISTILLERY_BACKEND selects.
import type * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { BUILTIN_DATASET_NAMES, loadBuiltinDataset, type BuiltinDatasetName } from '../src/datasets/builtin';
import type { LabelledImages } from '../src/datasets/labelled-images';
import { ARCHITECTURE_NAMES, distillModel, evaluateEnsemble, evaluateModel, trainModel, type Architecture } from '../src/training';
import { selectBackend } from '../src/training/backend';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'fashion-mnist' },
    architecture: { type: 'string', default: 'mlp' },
    seeds: { type: 'string', default: '3' },
    epochs: { type: 'string', default: '2' },
    'train-limit': { type: 'string', default: '0' },
  },
});
const dataset = values.dataset as BuiltinDatasetName;
const architecture = values.architecture as Architecture;
if (!BUILTIN_DATASET_NAMES.includes(dataset)) throw new Error(`--dataset must be one of ${BUILTIN_DATASET_NAMES.join(', ')}`);
if (!ARCHITECTURE_NAMES.includes(architecture)) throw new Error(`--architecture must be one of ${ARCHITECTURE_NAMES.join(', ')}`);
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => i + 1);
const epochs = Number(values.epochs);
const trainLimit = Number(values['train-limit']);

/** `limit` evenly spaced examples (all when 0): a quicker run that keeps every class (sets may be sorted by class). */
function evenlySpaced(set: LabelledImages, limit: number): LabelledImages {
  if (limit <= 0 || limit >= set.count) return set;
  const imageSize = set.height * set.width * set.channels;
  const pixels = new Uint8Array(limit * imageSize);
  const labels = new Uint8Array(limit);
  for (let i = 0; i < limit; i++) {
    const source = Math.floor((i * set.count) / limit);
    pixels.set(set.pixels.subarray(source * imageSize, (source + 1) * imageSize), i * imageSize);
    labels[i] = set.labels[source] ?? 0;
  }
  return { ...set, count: limit, pixels, labels };
}

const percent = (accuracy: number) => `${(accuracy * 100).toFixed(2)} %`;
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

const backend = await selectBackend();
const data = await loadBuiltinDataset(dataset);
const train = evenlySpaced(data.train, trainLimit);
const spec = { architecture, epochs };
log(`backend ${backend.name} (${backend.details}); ${dataset}: ${train.count} train (90/10 split, seed 42), ${data.test.count} test`);

const started = Date.now();
const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
  const t0 = Date.now();
  const result = await work();
  log(`${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return result;
};

const teachers: tf.LayersModel[] = [];
for (const seed of seeds) {
  const run = await timed(`train teacher seed ${seed}`, () => trainModel({ ...spec, seed }, train));
  teachers.push(run.model);
}
const teacherReport = await evaluateEnsemble(teachers, data.test);

const ensembleStudent = await timed('distill student from the ensemble', () =>
  distillModel({ ...spec, seed: 100 }, teachers, train),
);
const ensembleStudentReport = await evaluateModel(ensembleStudent.model, data.test);

const selfStudents: tf.LayersModel[] = [];
for (const [i, teacher] of teachers.entries()) {
  const run = await timed(`self-distill student of teacher ${seeds[i]}`, () =>
    distillModel({ ...spec, seed: 200 + (seeds[i] ?? 0) }, [teacher], train),
  );
  selfStudents.push(run.model);
}
const selfReport = await evaluateEnsemble(selfStudents, data.test);

const rows: [string, string][] = [
  ...teacherReport.members.map((m, i): [string, string] => [`teacher, seed ${seeds[i]}`, percent(m.accuracy)]),
  [`ensemble of ${seeds.length} teachers (mean of softmax)`, percent(teacherReport.ensemble.accuracy)],
  ['student distilled from the ensemble', percent(ensembleStudentReport.accuracy)],
  ...selfReport.members.map((m, i): [string, string] => [
    `self-distilled from seed ${seeds[i]} (teacher ${percent(teacherReport.members[i]?.accuracy ?? 0)})`,
    percent(m.accuracy),
  ]),
  [`ensemble of ${seeds.length} self-distilled students`, percent(selfReport.ensemble.accuracy)],
];
process.stdout.write(
  [
    `${architecture} on ${dataset}, ${epochs} epoch(s), Adam 1e-3, batch 128, best-validation checkpoints; ` +
      `test accuracy on ${data.test.count} images (backend ${backend.name}, ${((Date.now() - started) / 60000).toFixed(1)} min)`,
    '',
    '| model | test accuracy |',
    '|---|---:|',
    ...rows.map(([name, accuracy]) => `| ${name} | ${accuracy} |`),
    '',
  ].join('\n'),
);
for (const model of [...teachers, ensembleStudent.model, ...selfStudents]) model.dispose();
