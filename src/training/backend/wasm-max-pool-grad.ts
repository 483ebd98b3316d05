// MaxPoolGrad for the wasm backend: one pass over the wasm heap instead of the package's per-pixel window search.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Routes each output gradient to the first maximum of its window (row-major scan, strict `>`),
 * exactly like the CPU backend, so ties (common after ReLU) resolve identically. Channels are the
 * inner loop, which keeps NHWC reads contiguous; the package's kernel is ~40x slower here.
 */
export const maxPoolGradWasm: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  const wasm = backend as BackendWasm;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const dx = wasm.makeOutput(input.shape, 'float32');
  // Views are taken after makeOutput: an allocation may grow (and replace) the wasm heap.
  const x = wasm.typedArrayFromHeap(input) as Float32Array;
  const gradient = wasm.typedArrayFromHeap(dy) as Float32Array;
  const out = wasm.typedArrayFromHeap(dx) as Float32Array;
  out.fill(0);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  // Offsets (in elements) of the in-bounds pixels of the current window, in row-major scan order.
  const window = new Int32Array(info.effectiveFilterHeight * info.effectiveFilterWidth);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const rowStart = oh * info.strideHeight - info.padInfo.top;
      const rowEnd = Math.min(inHeight, rowStart + info.effectiveFilterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const colStart = ow * info.strideWidth - info.padInfo.left;
        const colEnd = Math.min(inWidth, colStart + info.effectiveFilterWidth);
        let size = 0;
        for (let r = Math.max(0, rowStart); r < rowEnd; r++) {
          for (let c = Math.max(0, colStart); c < colEnd; c++) window[size++] = ((b * inHeight + r) * inWidth + c) * channels;
        }
        const dyBase = ((b * outHeight + oh) * outWidth + ow) * channels;
        for (let ch = 0; ch < channels; ch++) {
          let best = Number.NEGATIVE_INFINITY;
          let bestAt = -1;
          for (let k = 0; k < size; k++) {
            const at = window[k]! + ch;
            const value = x[at]!;
            if (value > best) {
              best = value;
              bestAt = at;
            }
          }
          if (bestAt >= 0) out[bestAt] = out[bestAt]! + gradient[dyBase + ch]!;
        }
      }
    }
  }
  return dx;
};
