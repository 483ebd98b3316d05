// The cifar10-resnet18 preset's path on this machine: CIFAR-10 binary batches read from --data-dir (here
// generated, in the real files' layout: data_batch_1..5.bin and test_batch.bin), --limit and --epochs cut
// the budget, ResNet-18 trains on the embedded nodes, and the shortened run's results are named as such.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toCifar10Binary } from '../../src/datasets/cifar10';
import type { ReproductionResults } from '../../src/cli/reproduce/results';
import { startReproduce } from './reproduce-process';

const IMAGE_BYTES = 32 * 32 * 3;

/** `count` images whose colour depends on their class (learnable), with seeded noise. */
function cifarBatch(count: number, seed: number): Uint8Array {
  let state = seed;
  const noise = () => ((state = (state * 1103515245 + 12345) >>> 0) >>> 24) % 64;
  const labels = Uint8Array.from({ length: count }, (_, i) => (i * 7 + Math.floor(i / 10)) % 10);
  const pixels = new Uint8Array(count * IMAGE_BYTES);
  for (let n = 0; n < count; n++) {
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) pixels[n * IMAGE_BYTES + p * 3 + c] = ((labels[n]! * 23 + c * 80) % 192) + noise();
    }
  }
  return toCifar10Binary({ count, pixels, labels });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'distillery-reproduce-cifar-'));
  await mkdir(join(dir, 'cifar-10-batches-bin'));
  for (let n = 1; n <= 5; n++) await writeFile(join(dir, 'cifar-10-batches-bin', `data_batch_${n}.bin`), cifarBatch(40, n));
  await writeFile(join(dir, 'cifar-10-batches-bin', 'test_batch.bin'), cifarBatch(40, 99));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('runs ResNet-18 on CIFAR-10 batches from --data-dir, cut by --limit and --epochs, under a name that says so', async () => {
  const resultsDir = join(dir, 'results');
  const args = ['--preset', 'cifar10-resnet18', '--data-dir', join(dir, 'cifar-10-batches-bin'), '--limit', '50', '--epochs', '1'];
  const run = await startReproduce([...args, '--out', join(dir, 'out'), '--results', resultsDir, '--nodes', '2', '--poll-seconds', '0.2']).exited;
  expect(run.code, run.stderr).toBe(0);
  expect(await readdir(resultsDir)).toEqual(['cifar10-resnet18-limit-50-epochs-1.json', 'cifar10-resnet18-limit-50-epochs-1.md']);
  const results = JSON.parse(await readFile(join(resultsDir, 'cifar10-resnet18-limit-50-epochs-1.json'), 'utf8')) as ReproductionResults;
  expect(results.settings).toMatchObject({ architecture: 'resnet18', epochs: 1, limit: 50, batchSize: 128, learningRate: 0.001 });
  // 50 of the 200 training images (45 train / 5 validation) and 40 test images (all of them, fewer than the limit).
  expect(results.teachers.map((t) => [t.validation.count, t.test.count])).toEqual(Array(5).fill([5, 40]));
  expect(results.ensemble.test.count).toBe(40);
  expect(results.teachers.every((t) => t.selfStudent.lineageAsExpected)).toBe(true);
  expect(results.ensembleStudent.lineageAsExpected).toBe(true);

  const missing = await startReproduce(['--preset', 'cifar10-resnet18', '--data-dir', join(dir, 'nowhere'), '--out', join(dir, 'out-2'), '--nodes', '1']).exited;
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('cannot read data_batch_1.bin (ENOENT)');
}, 600_000);
