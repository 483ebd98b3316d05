// Registers the project's training kernels on the tfjs wasm backend.
import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilterWasm, conv2DBackpropInputWasm } from './wasm-conv-gradients';

/**
 * Kernels the project provides for 'wasm': the backend ships no Conv2DBackpropFilter, and its
 * Conv2DBackpropInput is a scalar loop about 11x slower than the forward convolution.
 */
const WASM_TRAINING_KERNELS: ReadonlyArray<{ kernelName: string; kernelFunc: tf.KernelFunc }> = [
  { kernelName: tf.Conv2DBackpropFilter, kernelFunc: conv2DBackpropFilterWasm },
  { kernelName: tf.Conv2DBackpropInput, kernelFunc: conv2DBackpropInputWasm },
];

/**
 * Installs the project's kernels for the 'wasm' backend, replacing the package's own where it
 * has one. Idempotent; safe to call before or after the backend is initialised.
 */
export function registerWasmTrainingKernels(): void {
  for (const { kernelName, kernelFunc } of WASM_TRAINING_KERNELS) {
    const current = tf.getKernel(kernelName, 'wasm');
    if (current?.kernelFunc === kernelFunc) continue;
    if (current !== undefined) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
}
