// Cast for the wasm backend that shares the buffer when the dtype does not change.
import type * as tf from '@tensorflow/tfjs';
import { shareBuffer } from './wasm-identity';

/** tfjs-layers casts float32 activations to float32 on every layer call; the package's Cast copies them anyway. */
export function castSharingSameDtype(packageCast: tf.KernelFunc): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { dtype } = attrs as unknown as tf.CastAttrs;
    return x.dtype === dtype ? shareBuffer(backend, x) : packageCast({ inputs, attrs, backend });
  };
}
