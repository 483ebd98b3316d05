// BatchMatMul for the wasm backend that always reaches XNNPACK's fast path.
import * as tf from '@tensorflow/tfjs';
import { inKernelScope, type KernelScope } from './kernel-scope';

/** Swaps the two innermost axes. */
function transposeInner(scope: KernelScope, t: tf.TensorInfo): tf.TensorInfo {
  const perm = t.shape.map((_, i) => i);
  const rank = perm.length;
  [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2];
  return scope.transpose(t, perm);
}

/**
 * The package's BatchMatMul runs XNNPACK only without transposes and falls back to a scalar loop
 * otherwise, about 10x slower; the gradients of a dense layer need both transposes. An explicit
 * Transpose costs a copy, far less than the loop.
 */
export function batchMatMulWithoutTransposes(packageBatchMatMul: tf.KernelFunc): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    if (!transposeA && !transposeB) return packageBatchMatMul({ inputs, attrs, backend });
    return inKernelScope(backend as tf.KernelBackend, 'wasm', (scope) =>
      scope.call(
        packageBatchMatMul,
        { a: transposeA ? transposeInner(scope, a) : a, b: transposeB ? transposeInner(scope, b) : b },
        { transposeA: false, transposeB: false },
      ),
    );
  };
}
