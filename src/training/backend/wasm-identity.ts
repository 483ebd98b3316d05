// Identity for the wasm backend that shares the input's buffer instead of copying it.
import type * as tf from '@tensorflow/tfjs';

/**
 * Tensors are immutable and the backend reference-counts buffers (its Reshape shares them the
 * same way), so a copy buys nothing.
 */
export function shareBuffer(backend: unknown, x: tf.TensorInfo): tf.TensorInfo {
  (backend as tf.KernelBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** The package's Identity copies, and gradient bookkeeping and the optimizers call it on every tensor of every step. */
export const sharedDataIdentity: tf.KernelFunc = ({ inputs, backend }) =>
  shareBuffer(backend, (inputs as { x: tf.TensorInfo }).x);
