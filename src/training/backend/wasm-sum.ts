// Sum for the wasm backend: reductions over leading axes (bias gradients) become a matrix product.
import * as tf from '@tensorflow/tfjs';
import { inKernelScope } from './kernel-scope';

/** The axes as non-negative, sorted numbers. */
function normalizedAxes(axis: number | number[], rank: number): number[] {
  return (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q);
}

/**
 * The package's Sum transposes the reduced axes innermost before reducing, a full copy that makes
 * summing a [N, H, W, C] gradient over N, H, W (every conv bias gradient) ~10x slower than
 * `ones[1, N*H*W] x grad[N*H*W, C]` through XNNPACK. Other reductions use the package's kernel.
 */
export function sumOverLeadingAxesAsMatMul(packageSum: tf.KernelFunc): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
    const rank = x.shape.length;
    const axes = normalizedAxes(axis, rank);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    if (!leading || x.dtype !== 'float32') return packageSum({ inputs, attrs, backend });
    const kept = x.shape.slice(axes.length);
    const rows = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
    const outShape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
    return inKernelScope(backend as tf.KernelBackend, 'wasm', (scope) => {
      const ones = scope.run('Fill', {}, { shape: [1, rows], value: 1, dtype: 'float32' });
      const matrix = scope.reshape(x, [rows, tf.util.sizeFromShape(kept)]);
      const total = scope.run('BatchMatMul', { a: ones, b: matrix }, { transposeA: false, transposeB: false });
      return scope.reshape(total, outShape);
    });
  };
}
