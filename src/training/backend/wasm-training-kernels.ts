// Registers the project's training kernels on the tfjs wasm backend.
import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilterWasm, conv2DBackpropInputWasm } from './wasm-conv-gradients';
import { batchMatMulWithoutTransposes } from './wasm-matmul';
import { maxPoolGradWasm } from './wasm-max-pool-grad';
import { sharedDataIdentity } from './wasm-identity';
import { leadingAxesReductionAsMatMul } from './wasm-leading-axes-reduction';
import { tileByBlockCopies } from './wasm-tile';
import { castSharingSameDtype } from './wasm-cast';

const BACKEND = 'wasm';

interface ProjectKernel {
  kernelName: string;
  /** Builds the kernel; `packageKernel` is the package's own kernel of that name, for kernels that wrap it. */
  make: (packageKernel: tf.KernelFunc | undefined) => tf.KernelFunc;
}

/**
 * What the training loop needs that the package lacks (Conv2DBackpropFilter) or runs far slower
 * than the forward pass (Conv2DBackpropInput, MaxPoolGrad, transposed BatchMatMul, leading-axis
 * Sum and Mean, Tile, copying Identity and same-dtype Cast). Measured per kernel in bench/results.md.
 */
const PROJECT_KERNELS: readonly ProjectKernel[] = [
  { kernelName: tf.Conv2DBackpropFilter, make: () => conv2DBackpropFilterWasm },
  { kernelName: tf.Conv2DBackpropInput, make: () => conv2DBackpropInputWasm },
  { kernelName: tf.MaxPoolGrad, make: () => maxPoolGradWasm },
  { kernelName: tf.BatchMatMul, make: (own) => batchMatMulWithoutTransposes(required(own, tf.BatchMatMul)) },
  { kernelName: tf.Sum, make: (own) => leadingAxesReductionAsMatMul(required(own, tf.Sum), 'sum') },
  { kernelName: tf.Mean, make: (own) => leadingAxesReductionAsMatMul(required(own, tf.Mean), 'mean') },
  { kernelName: tf.Tile, make: (own) => tileByBlockCopies(required(own, tf.Tile)) },
  { kernelName: tf.Identity, make: () => sharedDataIdentity },
  { kernelName: tf.Cast, make: (own) => castSharingSameDtype(required(own, tf.Cast)) },
];

function required(kernel: tf.KernelFunc | undefined, name: string): tf.KernelFunc {
  if (kernel === undefined) throw new Error(`@tensorflow/tfjs-backend-wasm registers no '${name}' kernel to wrap`);
  return kernel;
}

/** The package's kernel configs we replaced, kept so wrappers and `unregister` can reach them. */
const replaced = new Map<string, tf.KernelConfig | undefined>();

/** Names of every kernel the project installs on 'wasm'. */
export const WASM_TRAINING_KERNEL_NAMES: readonly string[] = PROJECT_KERNELS.map((k) => k.kernelName);

/**
 * Installs the project's kernels for the 'wasm' backend (or only those named, which benchmarks use
 * to measure the package's own kernels). Idempotent; call it before or after the backend starts. A
 * replaced package kernel keeps its setup function (it binds the wasm export the wrapped kernel
 * calls), so registration before `tf.setBackend('wasm')` works too.
 */
export function registerWasmTrainingKernels(only: readonly string[] = WASM_TRAINING_KERNEL_NAMES): void {
  for (const { kernelName, make } of PROJECT_KERNELS) {
    if (replaced.has(kernelName) || !only.includes(kernelName)) continue;
    const own = tf.getKernel(kernelName, BACKEND);
    replaced.set(kernelName, own);
    if (own !== undefined) tf.unregisterKernel(kernelName, BACKEND);
    tf.registerKernel({
      kernelName,
      backendName: BACKEND,
      kernelFunc: make(own?.kernelFunc),
      ...(own?.setupFunc !== undefined && { setupFunc: own.setupFunc }),
      ...(own?.disposeFunc !== undefined && { disposeFunc: own.disposeFunc }),
    });
  }
}

/** Restores the package's kernels (benchmarks compare against them); the inverse of registerWasmTrainingKernels. */
export function unregisterWasmTrainingKernels(): void {
  for (const [kernelName, own] of replaced) {
    tf.unregisterKernel(kernelName, BACKEND);
    if (own !== undefined) tf.registerKernel(own);
  }
  replaced.clear();
}
