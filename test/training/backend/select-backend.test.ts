// Backend selection: explicit choices start and report correctly, unavailable ones fail clearly, auto falls through.
import * as tf from '@tensorflow/tfjs';
import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BackendUnavailableError,
  backendPreferenceFromEnv,
  InvalidBackendPreferenceError,
  InvalidThreadCountError,
  selectBackend,
  threadsFromEnv,
  threadsPerEngine,
} from '../../../src/training/backend';

afterAll(async () => {
  await selectBackend('cpu');
});

describe('selectBackend', () => {
  it("'cpu' starts the pure-JS backend and says so", async () => {
    const info = await selectBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info).toMatchObject({ name: 'cpu', device: 'cpu', package: '@tensorflow/tfjs-backend-cpu', threads: 1, simd: false });
  });

  it("'wasm' loads the binary from a file path, installs the project's kernels and reports SIMD and threads", async () => {
    const info = await selectBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info).toMatchObject({ name: 'wasm', device: 'cpu', package: '@tensorflow/tfjs-backend-wasm', threads: 1 });
    // Node 20 validates WebAssembly SIMD, so the SIMD binary is the one loaded.
    expect(info.simd).toBe(true);
    expect(info.details).toContain('tfjs-backend-wasm-simd.wasm');
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBeDefined();
    const y = tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, tf.ones([3, 3, 1, 1]) as tf.Tensor4D, 1, 'same');
    expect(Array.from(await y.data())).toEqual([4, 6, 6, 4, 6, 9, 9, 6, 6, 9, 9, 6, 4, 6, 6, 4]);
  });

  it("'onednn' runs the heavy kernels in oneDNN on the wasm backend, on the threads asked for", async () => {
    const wasmConv = tf.getKernel(tf.Conv2D, 'wasm')!.kernelFunc;
    const info = await selectBackend('onednn', { threads: 1 });
    expect(tf.getBackend()).toBe('wasm');
    expect(info).toMatchObject({ name: 'wasm+onednn', device: 'cpu', package: '@tensorflow/tfjs-backend-wasm + native/distillery_onednn', threads: 1, simd: true });
    expect(info.details).toMatch(/^oneDNN 2\.6\.3 \(openmp, convolutions by \S+\) for Conv2D, FusedConv2D, Conv2DBackpropInput, Conv2DBackpropFilter, BatchMatMul, _FusedMatMul, MaxPoolGrad/);
    expect(tf.getKernel(tf.Conv2D, 'wasm')!.kernelFunc).not.toBe(wasmConv);
    expect((await selectBackend('onednn', { threads: 2 })).threads).toBe(2);
    const y = tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, tf.ones([3, 3, 1, 1]) as tf.Tensor4D, 1, 'same');
    expect(Array.from(await y.data())).toEqual([4, 6, 6, 4, 6, 9, 9, 6, 6, 9, 9, 6, 4, 6, 6, 4]);

    // 'wasm' afterwards is the plain wasm backend again: the kernels it replaced are back.
    expect((await selectBackend('wasm')).name).toBe('wasm');
    expect(tf.getKernel(tf.Conv2D, 'wasm')!.kernelFunc).toBe(wasmConv);
  });

  it("'tensorflow' fails with a typed error naming both native packages when neither is installed", async () => {
    await selectBackend('cpu');
    const failure = await selectBackend('tensorflow').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BackendUnavailableError);
    const { message, backend, status } = failure as BackendUnavailableError;
    expect({ backend, status }).toEqual({ backend: 'tensorflow', status: 503 });
    expect(message).toContain('@tensorflow/tfjs-node-gpu: not installed');
    expect(message).toContain('@tensorflow/tfjs-node: not installed');
    expect(tf.getBackend()).toBe('cpu');
  });

  it("'auto' falls through the missing tfjs-node packages to wasm+onednn and records why", async () => {
    await selectBackend('cpu');
    const info = await selectBackend('auto');
    expect(info.name).toBe('wasm+onednn');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.details).toMatch(/auto skipped: .*tfjs-node-gpu: not installed/);
  });

  it('switches back and forth without re-initialising twice', async () => {
    for (const [preference, name, tfjs] of [['wasm', 'wasm', 'wasm'], ['onednn', 'wasm+onednn', 'wasm'], ['cpu', 'cpu', 'cpu'], ['wasm', 'wasm', 'wasm'], ['onednn', 'wasm+onednn', 'wasm']] as const) {
      expect((await selectBackend(preference)).name).toBe(name);
      expect(tf.getBackend()).toBe(tfjs);
    }
  });

  it('rejects an unknown preference with a typed error', async () => {
    await expect(selectBackend('webgpu' as never)).rejects.toBeInstanceOf(InvalidBackendPreferenceError);
  });
});

describe('backendPreferenceFromEnv', () => {
  it('defaults to auto and accepts the five names in any case', () => {
    expect(backendPreferenceFromEnv({})).toBe('auto');
    expect(backendPreferenceFromEnv({ DISTILLERY_BACKEND: 'oneDNN' })).toBe('onednn');
    expect(backendPreferenceFromEnv({ DISTILLERY_BACKEND: '' })).toBe('auto');
    expect(backendPreferenceFromEnv({ DISTILLERY_BACKEND: ' WASM ' })).toBe('wasm');
    expect(backendPreferenceFromEnv({ DISTILLERY_BACKEND: 'tensorflow' })).toBe('tensorflow');
  });

  it('names the bad value', () => {
    expect(() => backendPreferenceFromEnv({ DISTILLERY_BACKEND: 'gpu' })).toThrow(/'gpu'/);
  });
});

describe('DISTILLERY_THREADS', () => {
  it('defaults to the cores the process may use and is shared among the engines of a process', () => {
    expect(threadsFromEnv({})).toBe(availableParallelism());
    expect(threadsFromEnv({ DISTILLERY_THREADS: ' 6 ' })).toBe(6);
    expect(threadsPerEngine(2, { DISTILLERY_THREADS: '6' })).toBe(3);
    expect(threadsPerEngine(4, { DISTILLERY_THREADS: '6' })).toBe(1);
    expect(threadsPerEngine(8, { DISTILLERY_THREADS: '2' })).toBe(1);
  });

  it.each(['0', '-1', '1.5', 'many'])('refuses %j with a typed error naming it', (value) => {
    expect(() => threadsFromEnv({ DISTILLERY_THREADS: value })).toThrow(InvalidThreadCountError);
    expect(() => threadsFromEnv({ DISTILLERY_THREADS: value })).toThrow(`'${value}'`);
  });
});
