// The Conv2D gradient kernels (the project's wasm ones, and the native oneDNN ones) agree with the cpu backend's gradients.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend, UnsupportedConvolutionError } from '../../../src/training/backend';
import { expectClose, onBackendAndCpu, seededTensor } from './cross-backend';

type Padding = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

interface ConvCase {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number | [number, number];
  pad: Padding;
}

/** d(sum(conv(x, w) * r))/dx and /dw: a fixed random projection r makes every output position matter differently. */
async function convGradients(c: ConvCase): Promise<{ dx: Float32Array; dw: Float32Array }> {
  const x = seededTensor<tf.Rank.R4>([c.batch, c.height, c.width, c.inChannels], 1);
  const w = seededTensor<tf.Rank.R4>([c.kernel, c.kernel, c.inChannels, c.outChannels], 2);
  const outShape = tf.conv2d(x, w, c.stride, c.pad).shape;
  const projection = seededTensor<tf.Rank.R4>(outShape, 3);
  const loss = (a: tf.Tensor, b: tf.Tensor) =>
    tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad).mul(projection).sum();
  const [dx, dw] = tf.grads(loss)([x, w]);
  const result = { dx: (await dx!.data()) as Float32Array, dw: (await dw!.data()) as Float32Array };
  tf.dispose([x, w, projection, dx!, dw!]);
  return result;
}

// Channel counts 1 and 3 take the patches-matrix path of the filter gradient, 16 the convolution path.
const cases: ConvCase[] = [];
for (const stride of [1, 2]) {
  for (const pad of ['same', 'valid'] as const) {
    for (const [height, width] of [[8, 8], [7, 7], [9, 6]] as const) {
      for (const [inChannels, outChannels] of [[1, 4], [3, 8], [16, 5]] as const) {
        cases.push({ batch: 3, height, width, inChannels, outChannels, kernel: 3, stride, pad });
      }
    }
  }
}
cases.push(
  { batch: 2, height: 7, width: 7, inChannels: 4, outChannels: 6, kernel: 1, stride: 2, pad: 'same' },
  { batch: 2, height: 8, width: 8, inChannels: 4, outChannels: 6, kernel: 1, stride: 2, pad: 'valid' },
  { batch: 2, height: 11, width: 10, inChannels: 3, outChannels: 4, kernel: 5, stride: 2, pad: 'same' },
  { batch: 2, height: 9, width: 9, inChannels: 3, outChannels: 4, kernel: 7, stride: 2, pad: 3 },
  { batch: 2, height: 8, width: 7, inChannels: 3, outChannels: 4, kernel: 3, stride: 1, pad: 1 },
  { batch: 2, height: 8, width: 7, inChannels: 3, outChannels: 4, kernel: 3, stride: 2, pad: [[0, 0], [2, 0], [1, 3], [0, 0]] },
  // Strides above 2, kernels smaller than the stride and unequal strides exercise phases without taps.
  { batch: 2, height: 7, width: 7, inChannels: 5, outChannels: 3, kernel: 2, stride: 2, pad: 'same' },
  { batch: 2, height: 10, width: 11, inChannels: 16, outChannels: 3, kernel: 3, stride: 3, pad: 'valid' },
  { batch: 2, height: 9, width: 8, inChannels: 3, outChannels: 4, kernel: 4, stride: 3, pad: 'same' },
  { batch: 2, height: 9, width: 8, inChannels: 16, outChannels: 4, kernel: 1, stride: 3, pad: 'valid' },
  { batch: 2, height: 9, width: 8, inChannels: 8, outChannels: 4, kernel: 3, stride: [2, 1], pad: 'same' },
);

const label = (c: ConvCase) =>
  `${c.batch}x${c.height}x${c.width}x${c.inChannels} -> ${c.kernel}x${c.kernel}x${c.outChannels}, stride ${c.stride}, pad ${JSON.stringify(c.pad)}`;

afterAll(async () => {
  await selectBackend('cpu');
});

describe.each(['wasm', 'onednn'] as const)('Conv2DBackpropInput / Conv2DBackpropFilter [%s]', (backend) => {
  it.each(cases.map((c) => [label(c), c] as const))('%s matches the cpu backend', async (_, c) => {
    const { tested, cpu } = await onBackendAndCpu(backend, () => convGradients(c));
    expectClose(tested.dx, cpu.dx);
    expectClose(tested.dw, cpu.dw);
  });

  it('gives fused conv2d (bias + relu, as tfjs-layers uses) the cpu gradients', async () => {
    const { tested, cpu } = await onBackendAndCpu(backend, async () => {
      const x = seededTensor<tf.Rank.R4>([4, 9, 9, 3], 4);
      const w = seededTensor<tf.Rank.R4>([3, 3, 3, 8], 5);
      const bias = seededTensor<tf.Rank.R1>([8], 6);
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.fused.conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, bias: c, strides: 2, pad: 'same', activation: 'relu' }).sum(),
      )([x, w, bias]);
      return Promise.all(grads.map(async (g) => (await g.data()) as Float32Array));
    });
    tested.forEach((g, i) => expectClose(g, cpu[i]!));
  });

  it('leaves no intermediate tensors behind', async () => {
    await selectBackend(backend);
    const x = seededTensor<tf.Rank.R4>([2, 7, 7, 3], 7);
    const dy = seededTensor<tf.Rank.R4>([2, 4, 4, 5], 8);
    const w = seededTensor<tf.Rank.R4>([3, 3, 3, 5], 9);
    const before = { bytes: tf.memory().numBytes, buffers: tf.engine().backend.numDataIds() };
    const dw = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides: 2, pad: 'same', filterShape: w.shape });
    const dx = tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: w }, { strides: 2, pad: 'same', inputShape: x.shape });
    tf.dispose([dw as tf.Tensor, dx as tf.Tensor]);
    expect({ bytes: tf.memory().numBytes, buffers: tf.engine().backend.numDataIds() }).toEqual(before);
    tf.dispose([x, dy, w]);
  });

});

describe('wasm Conv2DBackpropInput / Conv2DBackpropFilter', () => {
  it('refuses dilations and NCHW with a typed error', async () => {
    await selectBackend('wasm');
    const x = seededTensor<tf.Rank.R4>([1, 5, 5, 2], 10);
    const dy = seededTensor<tf.Rank.R4>([1, 5, 5, 2], 11);
    const run = (attrs: Record<string, unknown>) => () =>
      tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides: 1, pad: 'same', filterShape: [3, 3, 2, 2], ...attrs } as never);
    expect(run({ dilations: 2 })).toThrow(UnsupportedConvolutionError);
    expect(run({ dataFormat: 'NCHW' })).toThrow(/dataFormat 'NCHW'/);
    tf.dispose([x, dy]);
  });
});
