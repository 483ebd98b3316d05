// Registers the project's training kernels on the tfjs wasm backend.
import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilterWasm, conv2DBackpropInputWasm } from './wasm-conv-gradients';
import { batchMatMulWithoutTransposes } from './wasm-matmul';
import { maxPoolGradWasm } from './wasm-max-pool-grad';
import { sharedDataIdentity } from './wasm-identity';
import { leadingAxesReductionAsMatMul } from './wasm-leading-axes-reduction';
import { tileByBlockCopies } from './wasm-tile';
import { castSharingSameDtype } from './wasm-cast';
import { KernelOverrides, requiredPrevious } from './kernel-overrides';

const BACKEND = 'wasm';

const required = (kernel: tf.KernelFunc | undefined, name: string) => requiredPrevious(kernel, name, BACKEND);

/**
 * What the training loop needs that the package lacks (Conv2DBackpropFilter) or runs far slower
 * than the forward pass (Conv2DBackpropInput, MaxPoolGrad, transposed BatchMatMul, leading-axis
 * Sum and Mean, Tile, copying Identity and same-dtype Cast). Measured per kernel in bench/results.md.
 */
const wasmTrainingKernels = new KernelOverrides(BACKEND, [
  { kernelName: tf.Conv2DBackpropFilter, make: () => conv2DBackpropFilterWasm },
  { kernelName: tf.Conv2DBackpropInput, make: () => conv2DBackpropInputWasm },
  { kernelName: tf.MaxPoolGrad, make: () => maxPoolGradWasm },
  { kernelName: tf.BatchMatMul, make: (own) => batchMatMulWithoutTransposes(required(own, tf.BatchMatMul)) },
  { kernelName: tf.Sum, make: (own) => leadingAxesReductionAsMatMul(required(own, tf.Sum), 'sum') },
  { kernelName: tf.Mean, make: (own) => leadingAxesReductionAsMatMul(required(own, tf.Mean), 'mean') },
  { kernelName: tf.Tile, make: (own) => tileByBlockCopies(required(own, tf.Tile)) },
  { kernelName: tf.Identity, make: () => sharedDataIdentity },
  { kernelName: tf.Cast, make: (own) => castSharingSameDtype(required(own, tf.Cast)) },
]);

/** Names of every kernel the project installs on 'wasm'. */
export const WASM_TRAINING_KERNEL_NAMES: readonly string[] = wasmTrainingKernels.kernelNames;

/**
 * Installs the project's kernels for the 'wasm' backend (or only those named, which benchmarks use
 * to measure the package's own kernels). Idempotent; call it before or after the backend starts.
 */
export function registerWasmTrainingKernels(only: readonly string[] = WASM_TRAINING_KERNEL_NAMES): void {
  wasmTrainingKernels.install(only);
}

/** Restores the package's kernels (benchmarks compare against them); the inverse of registerWasmTrainingKernels. */
export function unregisterWasmTrainingKernels(): void {
  wasmTrainingKernels.uninstall();
}
