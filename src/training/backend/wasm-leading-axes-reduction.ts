// Sum and Mean for the wasm backend: reductions over leading axes become one XNNPACK matrix product.
import * as tf from '@tensorflow/tfjs';
import { inKernelScope } from './kernel-scope';

/** The axes as non-negative, sorted numbers. */
function normalizedAxes(axis: number | number[], rank: number): number[] {
  return (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q);
}

/**
 * The package's Sum and Mean transpose the reduced axes innermost before reducing, a full copy
 * that makes reducing a [N, H, W, C] tensor over N, H, W (every bias gradient, every batch-norm
 * statistic and its gradient) several times slower than `w[1, N*H*W] x t[N*H*W, C]` with w all
 * ones (Sum) or 1/(N*H*W) (Mean). Other reductions go to the package's kernel.
 */
export function leadingAxesReductionAsMatMul(packageKernel: tf.KernelFunc, kind: 'sum' | 'mean'): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
    const rank = x.shape.length;
    const axes = normalizedAxes(axis, rank);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    if (!leading || x.dtype !== 'float32') return packageKernel({ inputs, attrs, backend });
    const kept = x.shape.slice(axes.length);
    const rows = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
    const outShape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
    return inKernelScope(backend as tf.KernelBackend, 'wasm', (scope) => {
      const weight = kind === 'sum' ? 1 : 1 / rows;
      const weights = scope.run('Fill', {}, { shape: [1, rows], value: weight, dtype: 'float32' });
      const matrix = scope.reshape(x, [rows, tf.util.sizeFromShape(kept)]);
      const reduced = scope.run('BatchMatMul', { a: weights, b: matrix }, { transposeA: false, transposeB: false });
      return scope.reshape(reduced, outShape);
    });
  };
}
