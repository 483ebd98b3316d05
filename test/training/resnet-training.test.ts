// The ResNets really train on the backends production runs on, wasm and wasm+onednn (the cpu backend is too slow for them).

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { deserializeModel, serializeModel } from '../../src/training/checkpoint';
import { predictLogits } from '../../src/training/evaluate';
import { buildModel } from '../../src/training/models';
import { trainModel } from '../../src/training/train';
import { useBackend } from './backends';
import { bandImages } from './fixtures';

// 48 images: 3 training batches of 16 per epoch, ~1 s each on one core.
const train = bandImages(48, 1, 2, 3);
const test = bandImages(16, 2, 2, 3);
// ~45 MB of weights: vitest's deep equality walks them element by element for minutes, Buffer.equals does not.
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

const cases = (['resnet18-cifar', 'resnet18'] as const).flatMap((architecture) =>
  (['wasm', 'onednn'] as const).map((backend) => [architecture, backend] as const),
);

describe.each(cases)('%s on %s', (architecture, backend) => {
  useBackend(backend);

  it('trains 2 epochs of 8x8x3 images: finite losses, moved weights, exact checkpoint round-trip, no leaks', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const spec = { architecture, seed: 3, epochs: 2, batchSize: 16 } as const;
    const result = await trainModel(spec, train, { onEpochEnd: () => void counts.push(tf.memory().numTensors) });
    expect(counts).toHaveLength(2);
    expect(new Set(counts).size).toBe(1);
    for (const epoch of result.history) {
      expect(Number.isFinite(epoch.trainLoss) && Number.isFinite(epoch.validationLoss)).toBe(true);
    }

    const untrained = buildModel(architecture, { inputShape: [8, 8, 3], numClasses: 2, seed: spec.seed });
    expect(sameBytes((await serializeModel(untrained)).weights, result.best.weights)).toBe(false);
    untrained.dispose();

    const saved = await serializeModel(result.model);
    expect(sameBytes(saved.weights, result.best.weights)).toBe(true);
    const loaded = await deserializeModel({ modelJson: JSON.parse(JSON.stringify(saved.modelJson)), weights: saved.weights });
    expect(await predictLogits(loaded, test)).toEqual(await predictLogits(result.model, test));
    loaded.dispose();
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
