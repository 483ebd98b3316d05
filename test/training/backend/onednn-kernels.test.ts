// The native oneDNN kernels agree with the cpu backend: forward convolutions (fused bias and
// activations, dilations), fused matmul with broadcast batches, what falls back to the wasm
// kernels, the heap growing between calls, and determinism per thread count.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/training/backend';
import { expectClose, onBackendAndCpu, relativeError, seededTensor } from './cross-backend';

const read = async (t: tf.Tensor) => (await t.data()) as Float32Array;

afterAll(async () => {
  await selectBackend('cpu');
});

type Padding = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

interface ForwardCase {
  x: [number, number, number, number];
  kernel: number;
  outChannels: number;
  stride: number | [number, number];
  pad: Padding;
  dilation?: number;
}

const forwardCases: ForwardCase[] = [];
for (const stride of [1, 2, 3]) {
  for (const pad of ['same', 'valid'] as const) {
    forwardCases.push({ x: [3, 9, 7, 5], kernel: 3, outChannels: 6, stride, pad });
  }
}
forwardCases.push(
  { x: [1, 8, 8, 3], kernel: 3, outChannels: 4, stride: 1, pad: 'same' },
  { x: [2, 11, 10, 1], kernel: 5, outChannels: 3, stride: 2, pad: 2 },
  { x: [2, 9, 8, 4], kernel: 3, outChannels: 5, stride: 2, pad: [[0, 0], [2, 0], [1, 3], [0, 0]] },
  { x: [2, 9, 8, 4], kernel: 3, outChannels: 5, stride: [2, 1], pad: 'same' },
  { x: [2, 10, 10, 3], kernel: 3, outChannels: 4, stride: 1, pad: 'same', dilation: 2 },
  { x: [2, 12, 11, 3], kernel: 2, outChannels: 4, stride: 1, pad: 'valid', dilation: 3 },
  { x: [2, 7, 7, 16], kernel: 1, outChannels: 8, stride: 2, pad: 'valid' },
);

describe('oneDNN Conv2D and FusedConv2D', () => {
  it.each(forwardCases.map((c) => [JSON.stringify(c), c] as const))('%s matches the cpu backend', async (_, c) => {
    const { tested, cpu } = await onBackendAndCpu('onednn', async () => {
      const x = seededTensor<tf.Rank.R4>(c.x, 1);
      const w = seededTensor<tf.Rank.R4>([c.kernel, c.kernel, c.x[3], c.outChannels], 2);
      const y = tf.conv2d(x, w, c.stride, c.pad, 'NHWC', c.dilation ?? 1);
      return { shape: y.shape, values: await read(y) };
    });
    expect(tested.shape).toEqual(cpu.shape);
    expectClose(tested.values, cpu.values);
  });

  it.each(['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid', 'prelu'] as const)(
    'fuses bias + %s like the cpu backend (prelu through the wasm kernel)',
    async (activation) => {
      const { tested, cpu } = await onBackendAndCpu('onednn', async () => {
        // Scaled up so relu6's clip at 6 and leaky ReLU's negative side are both reached.
        const x = seededTensor<tf.Rank.R4>([2, 9, 9, 3], 3).mul(4) as tf.Tensor4D;
        const filter = seededTensor<tf.Rank.R4>([3, 3, 3, 8], 4);
        const bias = seededTensor<tf.Rank.R1>([8], 5);
        const preluActivationWeights = activation === 'prelu' ? seededTensor<tf.Rank.R1>([8], 6) : undefined;
        const y = tf.fused.conv2d({ x, filter, bias, strides: 2, pad: 'same', activation, leakyreluAlpha: 0.3, preluActivationWeights });
        return read(y);
      });
      expectClose(tested, cpu);
    },
  );

  it('leaves NCHW to the wasm kernel it replaced', async () => {
    await selectBackend('onednn');
    const x = seededTensor<tf.Rank.R4>([1, 2, 4, 4], 7);
    const w = seededTensor<tf.Rank.R4>([3, 3, 2, 2], 8);
    // The package's wasm Conv2D refuses NCHW with its own message: the native kernel did not take it.
    expect(() => tf.conv2d(x, w, 1, 'same', 'NCHW')).toThrow(/does not support dataFormat/);
    tf.dispose([x, w]);
  });
});

describe('oneDNN BatchMatMul and _FusedMatMul', () => {
  const shapes: Array<[string, number[], number[], boolean, boolean]> = [
    ['2-D', [17, 33], [33, 9], false, false],
    ['2-D, both transposed', [33, 17], [9, 33], true, true],
    ['batched', [3, 7, 12], [3, 12, 5], false, false],
    ['batched, a transposed', [3, 12, 7], [3, 12, 5], true, false],
    ['batch of b broadcast', [4, 6, 8], [1, 8, 3], false, false],
    ['batch of a broadcast, b transposed', [1, 6, 8], [4, 3, 8], false, true],
    ['rank 4', [2, 3, 5, 4], [2, 3, 4, 6], false, false],
  ];

  it.each(shapes)('%s matches the cpu backend', async (_, aShape, bShape, transposeA, transposeB) => {
    const { tested, cpu } = await onBackendAndCpu('onednn', async () => {
      const y = tf.matMul(seededTensor(aShape, 9), seededTensor(bShape, 10), transposeA, transposeB);
      return { shape: y.shape, values: await read(y) };
    });
    expect(tested.shape).toEqual(cpu.shape);
    expectClose(tested.values, cpu.values, 1e-5);
  });

  it.each(['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid', 'prelu'] as const)(
    'fuses bias + %s, and its gradients match (a dense layer)',
    async (activation) => {
      const { tested, cpu } = await onBackendAndCpu('onednn', async () => {
        const a = seededTensor<tf.Rank.R2>([16, 24], 11).mul(4) as tf.Tensor2D;
        const b = seededTensor<tf.Rank.R2>([24, 10], 12);
        const bias = seededTensor<tf.Rank.R1>([10], 13);
        const preluActivationWeights = activation === 'prelu' ? seededTensor<tf.Rank.R1>([10], 14) : undefined;
        const dense = (x: tf.Tensor, w: tf.Tensor, c: tf.Tensor) =>
          tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: c, activation, leakyreluAlpha: 0.3, preluActivationWeights });
        const forward = await read(dense(a, b, bias));
        const grads = tf.grads((x: tf.Tensor, w: tf.Tensor, c: tf.Tensor) => dense(x, w, c).square().sum())([a, b, bias]);
        return [forward, ...(await Promise.all(grads.map(read)))];
      });
      tested.forEach((values, i) => expectClose(values, cpu[i]!, 1e-5));
    },
  );
});

describe('oneDNN kernels and the wasm heap', () => {
  it('write the right place after the heap has grown and moved', async () => {
    await selectBackend('onednn');
    const x = seededTensor<tf.Rank.R4>([2, 8, 8, 4], 15);
    const w = seededTensor<tf.Rank.R4>([3, 3, 4, 4], 16);
    const heap = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer;
    const before = await read(tf.conv2d(x, w, 1, 'same'));
    const heapBefore = heap();
    // ~400 MB more: the wasm memory grows, detaching the ArrayBuffer every earlier view used.
    const ballast = tf.zeros([100_000_000]);
    expect(heap()).not.toBe(heapBefore);
    expect(heapBefore.byteLength).toBe(0);
    const after = await read(tf.conv2d(x, w, 1, 'same'));
    ballast.dispose();
    expect(Array.from(after)).toEqual(Array.from(before));
    tf.dispose([x, w]);
  });
});

/** One Adam step of a small CNN on fixed data; returns the weights after it. */
async function trainStepWeights(): Promise<Float32Array[]> {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [12, 12, 3], filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-2), loss: 'categoricalCrossentropy' });
  const x = seededTensor<tf.Rank.R4>([32, 12, 12, 3], 17);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 4), 'int32'), 4);
  for (let step = 0; step < 3; step++) await model.trainOnBatch(x, y);
  const weights = await Promise.all(model.getWeights().map(read));
  tf.dispose([x, y]);
  model.dispose();
  return weights;
}

describe('oneDNN determinism', () => {
  it('gives bit-identical weights for the same thread count, and agrees across thread counts to rounding', async () => {
    await selectBackend('onednn', { threads: 2 });
    const first = await trainStepWeights();
    const second = await trainStepWeights();
    first.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(second[i]!.buffer))).toBe(true));

    await selectBackend('onednn', { threads: 1 });
    const oneThread = await trainStepWeights();
    for (const [i, w] of oneThread.entries()) expect(relativeError(w, first[i]!)).toBeLessThan(1e-5);
    await selectBackend('onednn', { threads: 2 });
  });
});
