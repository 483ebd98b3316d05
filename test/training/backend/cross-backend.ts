// Test helpers: run the same computation on a production backend (wasm, wasm+onednn) and the cpu backend and compare the numbers.
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { selectBackend } from '../../../src/training/backend';
import type { TrainingBackend } from '../backends';

/** Deterministic values in [-1, 1) (mulberry32), independent of any backend's random kernels. */
export function seededValues(size: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    values[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return values;
}

export function seededTensor<R extends tf.Rank>(shape: number[], seed: number): tf.Tensor<R> {
  return tf.tensor(seededValues(tf.util.sizeFromShape(shape), seed), shape as never) as tf.Tensor<R>;
}

/** Runs `compute` on `backend`, then on cpu (tensors it makes live on that backend), and returns the values it read back. */
export async function onBackendAndCpu<T>(
  backend: TrainingBackend,
  compute: () => T | Promise<T>,
): Promise<{ tested: T; cpu: T }> {
  await selectBackend(backend);
  const tested = await compute();
  await selectBackend('cpu');
  const cpu = await compute();
  return { tested, cpu };
}

/** Largest |actual - expected| relative to the largest |expected| (so near-zero entries do not dominate). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  }
  return worst / Math.max(scale, 1e-12);
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-4): void {
  expect(relativeError(actual, expected)).toBeLessThan(tolerance);
}
