// tfjs kernels on the wasm backend that run in oneDNN, reading and writing the wasm heap in place.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KernelOverrides, requiredPrevious, type KernelOverride } from './kernel-overrides';
import type { ConvGradientAttrs as ConvAttrs } from './wasm-conv-gradients';
import type { OnednnAddon } from './onednn-addon';

const BACKEND = 'wasm';

/** Activation codes of native/src/activation.h; prelu (which needs a weights tensor) is not fused natively. */
const ACTIVATIONS: Readonly<Record<string, number>> = { linear: 0, relu: 1, relu6: 2, elu: 3, leakyrelu: 4, sigmoid: 5 };

/** A tensor's byte offset in the wasm heap; -1 stands for an absent input. */
function heapOffset(backend: BackendWasm, t: tf.TensorInfo | undefined): number {
  return t === undefined ? -1 : backend.dataIdMap.get(t.dataId)!.memoryOffset;
}

/**
 * The heap as it is now. Taken after every makeOutput, since an allocation can grow the wasm
 * memory and detach the previous buffer; the addon never keeps it past the call.
 */
function heapOf(backend: BackendWasm): ArrayBuffer {
  return (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer as ArrayBuffer;
}

const isFloat = (...ts: Array<tf.TensorInfo | undefined>) => ts.every((t) => t === undefined || t.dtype === 'float32');
const isEmpty = (...ts: tf.TensorInfo[]) => ts.some((t) => tf.util.sizeFromShape(t.shape) === 0);

/** [x/dy, filter/dy, bias, out] offsets, the geometry as native/src/convolution.h orders it, activation, alpha. */
function convParams(offsets: [number, number, number, number], info: tf.backend_util.Conv2DInfo, activation = 0, alpha = 0): Float64Array {
  const p = info.padInfo;
  return Float64Array.of(
    ...offsets,
    info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth,
    info.strideHeight, info.strideWidth,
    info.dilationHeight, info.dilationWidth,
    p.top, p.left, p.bottom, p.right,
    activation, alpha,
  );
}

/** The conv's window, or null for what the native kernels leave to the kernel they replaced. */
function nativeConvInfo(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvAttrs,
): tf.backend_util.Conv2DInfo | null {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') return null;
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
}

interface FusedAttrs {
  activation?: string;
  leakyreluAlpha?: number;
}

/** The activation's native code, or null when it cannot be fused natively (prelu, or an unknown name). */
function activationCode(attrs: FusedAttrs, preluWeights: tf.TensorInfo | undefined): number | null {
  if (preluWeights !== undefined) return null;
  return ACTIVATIONS[attrs.activation ?? 'linear'] ?? null;
}

/** A bias the native kernels add: one value per output channel/column, on the last axis. */
const isPerChannelBias = (bias: tf.TensorInfo | undefined, channels: number) =>
  bias === undefined || (tf.util.sizeFromShape(bias.shape) === channels && bias.shape[bias.shape.length - 1] === channels);

function convolution(addon: OnednnAddon, fused: boolean, previous: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, attrs } = args;
    const backend = args.backend as BackendWasm;
    const { x, filter, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
    const a = attrs as unknown as ConvAttrs & FusedAttrs;
    const info = nativeConvInfo(x!.shape, filter!.shape, a);
    const activation = fused ? activationCode(a, preluActivationWeights) : 0;
    if (info === null || activation === null || !isFloat(x, filter, bias) || isEmpty(x!, filter!) || !isPerChannelBias(bias, info.outChannels)) {
      return previous(args);
    }
    const out = backend.makeOutput(info.outShape, 'float32');
    const offsets: [number, number, number, number] = [heapOffset(backend, x), heapOffset(backend, filter), heapOffset(backend, bias), heapOffset(backend, out)];
    addon.conv2d(heapOf(backend), convParams(offsets, info, activation, a.leakyreluAlpha ?? 0));
    return out;
  };
}

/**
 * The two convolution gradients, alike but for their operands: dx from (dy, filter) with the
 * input's shape as an attribute, dw from (x, dy) with the filter's.
 */
const GRADIENTS = {
  input: { operands: ['dy', 'filter'], shapeAttr: 'inputShape', run: (addon: OnednnAddon) => addon.conv2dBackpropInput },
  filter: { operands: ['x', 'dy'], shapeAttr: 'filterShape', run: (addon: OnednnAddon) => addon.conv2dBackpropFilter },
} as const;

function convolutionGradient(addon: OnednnAddon, of: keyof typeof GRADIENTS, previous: tf.KernelFunc): tf.KernelFunc {
  const { operands, shapeAttr, run } = GRADIENTS[of];
  return (args) => {
    const backend = args.backend as BackendWasm;
    const [first, second] = operands.map((name) => (args.inputs as Record<string, tf.TensorInfo>)[name]!) as [tf.TensorInfo, tf.TensorInfo];
    const a = args.attrs as unknown as ConvAttrs & Record<typeof shapeAttr, number[]>;
    const outShape = a[shapeAttr];
    const info = of === 'input' ? nativeConvInfo(outShape, second.shape, a) : nativeConvInfo(first.shape, outShape, a);
    if (info === null || !isFloat(first, second) || isEmpty(first, second) || tf.util.sizeFromShape(outShape) === 0) return previous(args);
    const out = backend.makeOutput(outShape, 'float32');
    run(addon).call(addon, heapOf(backend), convParams([heapOffset(backend, first), heapOffset(backend, second), -1, heapOffset(backend, out)], info));
    return out;
  };
}

interface MatMulShape {
  outShape: number[];
  batchA: number;
  batchB: number;
  m: number;
  k: number;
  n: number;
}

/** BatchMatMul's shapes, or null where the batch axes do not reduce to equal-or-one batches oneDNN broadcasts. */
function matMulShape(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): MatMulShape | null {
  if (a.shape.length < 2 || b.shape.length < 2) return null;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = tf.util.sizeFromShape(outerA);
  const batchB = tf.util.sizeFromShape(outerB);
  const sameBatches = outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i]);
  if (!sameBatches && batchA !== 1 && batchB !== 1) return null;
  const [m, k] = transposeA ? [a.shape.at(-1)!, a.shape.at(-2)!] : [a.shape.at(-2)!, a.shape.at(-1)!];
  const [kB, n] = transposeB ? [b.shape.at(-1)!, b.shape.at(-2)!] : [b.shape.at(-2)!, b.shape.at(-1)!];
  if (k !== kB) return null; // the replaced kernel reports the mismatch in tfjs's words
  const outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
  return { outShape: [...outer, m, n], batchA, batchB, m, k, n };
}

function matMul(addon: OnednnAddon, fused: boolean, previous: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs as unknown as { transposeA: boolean; transposeB: boolean } & FusedAttrs;
    const shape = matMulShape(a!, b!, attrs.transposeA, attrs.transposeB);
    const activation = fused ? activationCode(attrs, preluActivationWeights) : 0;
    if (shape === null || activation === null || !isFloat(a, b, bias) || isEmpty(a!, b!) || shape.k === 0 || !isPerChannelBias(bias, shape.n)) {
      return previous(args);
    }
    const out = backend.makeOutput(shape.outShape, 'float32');
    addon.matMul(
      heapOf(backend),
      Float64Array.of(
        heapOffset(backend, a), heapOffset(backend, b), heapOffset(backend, bias), heapOffset(backend, out),
        shape.batchA, shape.batchB, shape.m, shape.k, shape.n,
        attrs.transposeA ? 1 : 0, attrs.transposeB ? 1 : 0,
        activation, attrs.leakyreluAlpha ?? 0,
      ),
    );
    return out;
  };
}

function maxPoolGradient(addon: OnednnAddon, previous: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.MaxPoolGradAttrs;
    if (!isFloat(dy, input) || isEmpty(dy, input)) return previous(args);
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    const dx = backend.makeOutput(input.shape, 'float32');
    addon.maxPoolGrad(
      heapOf(backend),
      Float64Array.of(
        heapOffset(backend, input), heapOffset(backend, dy), heapOffset(backend, dx),
        info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
        info.effectiveFilterHeight, info.effectiveFilterWidth, info.strideHeight, info.strideWidth,
        info.padInfo.top, info.padInfo.left,
      ),
    );
    return dx;
  };
}

/**
 * Installed over the wasm backend's kernels (the project's and the package's), which each native
 * kernel falls back to for what oneDNN is not given: NCHW, non-float32 tensors, prelu, empty
 * tensors, and batch axes that need general broadcasting.
 */
export function onednnKernels(addon: OnednnAddon): KernelOverrides {
  const wrap = (kernelName: string, make: (previous: tf.KernelFunc) => tf.KernelFunc): KernelOverride => ({
    kernelName,
    make: (previous) => make(requiredPrevious(previous, kernelName, BACKEND)),
  });
  return new KernelOverrides(BACKEND, [
    wrap(tf.Conv2D, (previous) => convolution(addon, false, previous)),
    wrap(tf.FusedConv2D, (previous) => convolution(addon, true, previous)),
    wrap(tf.Conv2DBackpropInput, (previous) => convolutionGradient(addon, 'input', previous)),
    wrap(tf.Conv2DBackpropFilter, (previous) => convolutionGradient(addon, 'filter', previous)),
    wrap(tf.BatchMatMul, (previous) => matMul(addon, false, previous)),
    wrap(tf._FusedMatMul, (previous) => matMul(addon, true, previous)),
    wrap(tf.MaxPoolGrad, (previous) => maxPoolGradient(addon, previous)),
  ]);
}
