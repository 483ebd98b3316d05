// Tile for the wasm backend: block copies on the wasm heap instead of the package's per-element loop.
import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type NumericArray = Float32Array | Int32Array | Uint8Array;

/** Repeats each outer block of `values` `times` times into `out`, doubling the copied span each round. */
function repeatBlocks(values: NumericArray, outer: number, block: number, times: number, out: NumericArray): void {
  const span = block * times;
  for (let o = 0; o < outer; o++) {
    const base = o * span;
    out.set(values.subarray(o * block, (o + 1) * block), base);
    for (let filled = block; filled < span; filled *= 2) {
      out.copyWithin(base + filled, base, base + Math.min(filled, span - filled));
    }
  }
}

/**
 * Batch-norm's input gradient tiles a [1, 1, 1, C] tensor to the full activation shape; the
 * package's Tile computes a multi-index per element and takes ~250 ms for a 2M-element result that
 * block copies write in a few. Axes are tiled innermost first, each pass repeating whole blocks.
 */
export function tileByBlockCopies(packageTile: tf.KernelFunc): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string') return packageTile({ inputs, attrs, backend });
    const { reps } = attrs as unknown as tf.TileAttrs;
    const wasm = backend as BackendWasm;
    const shape = [...x.shape];
    const out = wasm.makeOutput(shape.map((d, i) => d * (reps[i] ?? 1)), x.dtype);
    const tiledAxes = shape.map((_, axis) => axis).filter((axis) => (reps[axis] ?? 1) > 1).reverse();
    // Views are taken after makeOutput: an allocation may grow (and replace) the wasm heap.
    const result = wasm.typedArrayFromHeap(out) as NumericArray;
    let values = wasm.typedArrayFromHeap(x) as NumericArray;
    if (tiledAxes.length === 0) result.set(values);
    tiledAxes.forEach((axis, pass) => {
      const times = reps[axis] ?? 1;
      const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
      const block = shape.slice(axis).reduce((a, b) => a * b, 1);
      const Ctor = values.constructor as new (length: number) => NumericArray;
      const target = pass === tiledAxes.length - 1 ? result : new Ctor(outer * block * times);
      repeatBlocks(values, outer, block, times, target);
      values = target;
      shape[axis] = (shape[axis] ?? 1) * times;
    });
    return out;
  };
}
