// The project's other wasm training kernels (pooling gradient, matmul, reductions, tile, identity, cast) agree with the cpu
// backend; the pooling gradient and matmul also with the native oneDNN kernels that replace them.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/training/backend';
import { expectClose, onBackendAndCpu, seededTensor, seededValues } from './cross-backend';

const read = async (t: tf.Tensor) => Array.from(await t.data());

afterAll(async () => {
  await selectBackend('cpu');
});

describe.each(['wasm', 'onednn'] as const)('MaxPoolGrad [%s]', (backend) => {
  const cases = [
    { shape: [3, 8, 8, 5], size: 2, stride: 2, pad: 'valid' },
    { shape: [2, 7, 9, 4], size: 2, stride: 2, pad: 'same' },
    { shape: [2, 9, 9, 3], size: 3, stride: 2, pad: 'same' },
    { shape: [2, 7, 7, 3], size: 3, stride: 1, pad: 'valid' },
  ] as const;

  it.each(cases.map((c) => [JSON.stringify(c), c] as const))('%s matches the cpu backend', async (_, c) => {
    const { tested, cpu } = await onBackendAndCpu(backend, async () => {
      const x = seededTensor<tf.Rank.R4>([...c.shape], 1);
      const [dx] = tf.grads((a: tf.Tensor) =>
        tf.maxPool(a as tf.Tensor4D, c.size, c.stride, c.pad).mul(seededTensor(tf.maxPool(x, c.size, c.stride, c.pad).shape, 2)).sum(),
      )([x]);
      return read(dx!);
    });
    expectClose(tested, cpu, 1e-6);
  });

  it('sends each gradient to the first maximum of a window with ties, like the cpu backend', async () => {
    // ReLU output: whole windows of zeros and repeated maxima.
    const values = Array.from(seededValues(2 * 6 * 6 * 3, 3), (v) => Math.max(0, Math.round(v * 2) / 2));
    const { tested, cpu } = await onBackendAndCpu(backend, async () => {
      const x = tf.tensor4d(values, [2, 6, 6, 3]);
      const [dx] = tf.grads((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid').sum())([x]);
      return read(dx!);
    });
    expect(tested).toEqual(cpu);
    expect(cpu.reduce((a, b) => a + b, 0)).toBe(2 * 3 * 3 * 3);
  });
});

describe.each(['wasm', 'onednn'] as const)('BatchMatMul with transposes [%s]', (backend) => {
  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('transposeA=%s transposeB=%s matches the cpu backend, 2-D and batched', async (transposeA, transposeB) => {
    const { tested, cpu } = await onBackendAndCpu(backend, async () => {
      const a2 = seededTensor<tf.Rank.R2>(transposeA ? [33, 17] : [17, 33], 4);
      const b2 = seededTensor<tf.Rank.R2>(transposeB ? [9, 33] : [33, 9], 5);
      const a3 = seededTensor<tf.Rank.R3>(transposeA ? [3, 12, 7] : [3, 7, 12], 6);
      const b3 = seededTensor<tf.Rank.R3>(transposeB ? [3, 5, 12] : [3, 12, 5], 7);
      const flat = await read(tf.matMul(a2, b2, transposeA, transposeB));
      const batched = await read(tf.matMul(a3, b3, transposeA, transposeB));
      return [...flat, ...batched];
    });
    expectClose(tested, cpu, 1e-5);
  });
});

describe('wasm Sum and Mean', () => {
  const axesCases: Array<[number | number[], boolean]> = [
    [[0, 1, 2], false],
    [[0, 1, 2], true],
    [[2, 0, 1], false],
    [0, false],
    [[-4, -3], true],
    [3, false],
    [[1, 2], false],
    [[0, 1, 2, 3], false],
  ];

  it.each(axesCases.map(([axis, keepDims]) => [JSON.stringify(axis), keepDims, axis] as const))(
    'axis %s keepDims=%s matches the cpu backend in shape and value',
    async (_, keepDims, axis) => {
      const { tested, cpu } = await onBackendAndCpu('wasm', async () => {
        const x = seededTensor<tf.Rank.R4>([4, 6, 5, 7], 8);
        const sum = tf.sum(x, axis, keepDims);
        const mean = tf.mean(x, axis, keepDims);
        return { shapes: [sum.shape, mean.shape], values: [...(await read(sum)), ...(await read(mean))] };
      });
      expect(tested.shapes).toEqual(cpu.shapes);
      expectClose(tested.values, cpu.values, 1e-5);
    },
  );

  it('keeps int32 sums exact', async () => {
    const { tested, cpu } = await onBackendAndCpu('wasm', () => read(tf.sum(tf.range(0, 60, 1, 'int32').reshape([3, 4, 5]), [0, 1])));
    expect(tested).toEqual(cpu);
  });
});

describe('wasm Tile', () => {
  it.each([
    [[1, 1, 1, 4], [3, 5, 2, 1], 'float32'],
    [[2, 3], [2, 1], 'float32'],
    [[2, 1, 3], [1, 4, 2], 'int32'],
    [[3], [1], 'int32'],
    [[2, 2], [1, 1], 'bool'],
  ] as const)('%j by %j (%s) matches the cpu backend', async (shape, reps, dtype) => {
    const { tested, cpu } = await onBackendAndCpu('wasm', async () => {
      const size = tf.util.sizeFromShape([...shape]);
      const random = Array.from(seededValues(size, 9));
      const x =
        dtype === 'bool'
          ? tf.tensor(random.map((v) => v > 0), [...shape], dtype)
          : tf.tensor(random.map((v) => Math.round(v * 10)), [...shape], dtype);
      const tiled = tf.tile(x, [...reps]);
      return { shape: tiled.shape, dtype: tiled.dtype, values: await read(tiled) };
    });
    expect(tested).toEqual(cpu);
  });
});

describe('wasm Identity and same-dtype Cast share buffers safely', () => {
  it('values survive disposing the source, and buffers are released once all users are gone', async () => {
    await selectBackend('wasm');
    const buffersBefore = tf.engine().backend.numDataIds();
    const source = tf.tensor1d([1, 2, 3]);
    const cloned = tf.clone(source);
    const cast = tf.cast(source, 'float32');
    const variable = tf.variable(source);
    expect(tf.engine().backend.numDataIds()).toBe(buffersBefore + 1);
    source.dispose();
    expect(await read(cloned)).toEqual([1, 2, 3]);
    expect(await read(cast)).toEqual([1, 2, 3]);
    const update = tf.tensor1d([4, 5, 6]);
    variable.assign(update);
    expect(await read(cloned)).toEqual([1, 2, 3]);
    expect(await read(variable)).toEqual([4, 5, 6]);
    tf.dispose([cloned, cast, variable, update]);
    expect(tf.engine().backend.numDataIds()).toBe(buffersBefore);
  });
});
