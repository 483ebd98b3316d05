// Writes a built-in dataset's exact train / validation / test sets (Distillery's 90/10 split, split seed 42)
// as raw bytes, so the PyTorch peer (bench/pytorch_reference_protocol.py) trains on the very same images.
//
//   npx tsx bench/export-reference-split.ts --dataset fashion-mnist --out /tmp/fashion-split
//
// Files: {train,validation,test}-images.u8 (N*H*W*C bytes, HWC), {…}-labels.u8 (N bytes), meta.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BUILTIN_DATASET_NAMES, loadBuiltinDataset, type BuiltinDatasetName } from '../src/datasets/builtin';
import type { LabelledImages } from '../src/datasets/labelled-images';
import { splitTrainValidation } from '../src/training/data/split';

const { values } = parseArgs({
  options: { dataset: { type: 'string', default: 'fashion-mnist' }, out: { type: 'string' } },
});
const name = values.dataset as BuiltinDatasetName;
if (!BUILTIN_DATASET_NAMES.includes(name)) throw new Error(`--dataset must be one of ${BUILTIN_DATASET_NAMES.join(', ')}`);
if (!values.out) throw new Error('--out DIR is required');
const out = values.out;

function pick(set: LabelledImages, indices: Uint32Array): { pixels: Uint8Array; labels: Uint8Array } {
  const imageBytes = set.height * set.width * set.channels;
  const pixels = new Uint8Array(indices.length * imageBytes);
  const labels = new Uint8Array(indices.length);
  indices.forEach((source, i) => {
    pixels.set(set.pixels.subarray(source * imageBytes, (source + 1) * imageBytes), i * imageBytes);
    labels[i] = set.labels[source] ?? 0;
  });
  return { pixels, labels };
}

const { train, test } = await loadBuiltinDataset(name);
const split = splitTrainValidation(train.count);
const all = Uint32Array.from({ length: test.count }, (_, i) => i);
const sets = { train: pick(train, split.train), validation: pick(train, split.validation), test: pick(test, all) };
await mkdir(out, { recursive: true });
for (const [setName, set] of Object.entries(sets)) {
  await writeFile(join(out, `${setName}-images.u8`), set.pixels);
  await writeFile(join(out, `${setName}-labels.u8`), set.labels);
}
const meta = {
  dataset: name,
  shape: [train.height, train.width, train.channels],
  numClasses: train.numClasses,
  counts: Object.fromEntries(Object.entries(sets).map(([setName, set]) => [setName, set.labels.length])),
  split: 'validationFraction 0.1, splitSeed 42 (src/training/data/split.ts)',
};
await writeFile(join(out, 'meta.json'), JSON.stringify(meta, null, 2));
process.stderr.write(`${JSON.stringify(meta)}\n`);
