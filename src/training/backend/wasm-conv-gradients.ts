// Conv2D gradient kernels for the wasm backend, expressed as forward convolutions XNNPACK runs fast.
import * as tf from '@tensorflow/tfjs';
import { UnsupportedConvolutionError } from './errors';
import { inKernelScope, type KernelScope } from './kernel-scope';

const BACKEND = 'wasm';

type ExplicitPadding = [[0, 0], [number, number], [number, number], [0, 0]];

/** Padding of the two spatial axes of an NHWC tensor; negative amounts crop. */
interface SpatialPadding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** The attributes tfjs gives every Conv2D kernel and its gradients (NHWC or NCHW, padding, strides). */
export interface ConvGradientAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: [number, number] | number;
}

function checkSupported(kernelName: string, attrs: ConvGradientAttrs): void {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
    throw new UnsupportedConvolutionError(kernelName, `dataFormat '${attrs.dataFormat}' (only NHWC)`);
  }
  const dilations = attrs.dilations ?? 1;
  const [dh, dw] = typeof dilations === 'number' ? [dilations, dilations] : dilations;
  if (dh !== 1 || dw !== 1) {
    throw new UnsupportedConvolutionError(kernelName, `dilations [${dh}, ${dw}] (only 1)`);
  }
}

function convInfoOf(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvGradientAttrs,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
}

/**
 * Forward convolution with stride 1 and the given spatial padding, where a negative amount crops
 * that side first (XNNPACK takes only non-negative, possibly asymmetric, padding).
 */
function convolve(
  scope: KernelScope,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  padding: SpatialPadding,
  dilations: [number, number],
): tf.TensorInfo {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const cropTop = Math.max(0, -padding.top);
  const cropLeft = Math.max(0, -padding.left);
  const cropped = scope.slice(
    x,
    [0, cropTop, cropLeft, 0],
    [n, h - cropTop - Math.max(0, -padding.bottom), w - cropLeft - Math.max(0, -padding.right), c],
  );
  const pad: ExplicitPadding = [
    [0, 0],
    [Math.max(0, padding.top), Math.max(0, padding.bottom)],
    [Math.max(0, padding.left), Math.max(0, padding.right)],
    [0, 0],
  ];
  return scope.run(
    'Conv2D',
    { x: cropped, filter },
    { strides: [1, 1], pad, dilations, dataFormat: 'NHWC' },
  );
}

/** The filter taps of one axis that reach one output phase, and where they meet dy. */
interface PhaseTaps {
  /** First tap k0; the others are k0 + stride, k0 + 2*stride, ... */
  first: number;
  count: number;
  /** Phase row a reads dy rows a + shift - j for tap j. */
  shift: number;
}

function phaseTaps(phase: number, padBefore: number, stride: number, filterSize: number): PhaseTaps {
  const first = (((phase + padBefore) % stride) + stride) % stride;
  const count = first >= filterSize ? 0 : Math.ceil((filterSize - first) / stride);
  return { first, count, shift: (phase + padBefore - first) / stride };
}

/**
 * dx rows i = phase + stride*a for one (row, column) phase: a stride-1 correlation of dy with the
 * taps of the flipped filter that reach that phase, sized ceil(in/stride) in every phase (rows past
 * the input are cut after interleaving).
 */
function inputGradientPhase(
  scope: KernelScope,
  dy: tf.TensorInfo,
  flipped: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  rows: PhaseTaps,
  cols: PhaseTaps,
): tf.TensorInfo {
  const phaseHeight = Math.ceil(info.inHeight / info.strideHeight);
  const phaseWidth = Math.ceil(info.inWidth / info.strideWidth);
  if (rows.count === 0 || cols.count === 0) {
    return scope.run('Fill', {}, { shape: [info.batchSize, phaseHeight, phaseWidth, info.inChannels], value: 0, dtype: 'float32' });
  }
  // In `flipped` tap k sits at index size-1-k, so the phase's taps, last first, are a strided run.
  const rowStart = info.filterHeight - 1 - rows.first - info.strideHeight * (rows.count - 1);
  const colStart = info.filterWidth - 1 - cols.first - info.strideWidth * (cols.count - 1);
  const taps =
    info.strideHeight === 1 && info.strideWidth === 1
      ? flipped
      : scope.run(
          'StridedSlice',
          { x: flipped },
          {
            begin: [rowStart, colStart, 0, 0],
            end: [info.filterHeight - rows.first, info.filterWidth - cols.first, info.outChannels, info.inChannels],
            strides: [info.strideHeight, info.strideWidth, 1, 1],
            beginMask: 0,
            endMask: 0,
            ellipsisMask: 0,
            newAxisMask: 0,
            shrinkAxisMask: 0,
          },
        );
  const top = rows.count - 1 - rows.shift;
  const left = cols.count - 1 - cols.shift;
  return convolve(
    scope,
    dy,
    taps,
    {
      top,
      left,
      bottom: phaseHeight + rows.count - 1 - info.outHeight - top,
      right: phaseWidth + cols.count - 1 - info.outWidth - left,
    },
    [1, 1],
  );
}

/** Joins phases along one spatial axis: phase p of position a lands at a*count + p. */
function interleave(scope: KernelScope, phases: tf.TensorInfo[], axis: 1 | 2): tf.TensorInfo {
  if (phases.length === 1) return phases[0]!;
  const [n, h, w, c] = phases[0]!.shape as [number, number, number, number];
  // Concatenating on the next axis and viewing the result with this axis longer interleaves them.
  const joined = scope.run('Concat', phases as unknown as tf.NamedTensorInfoMap, { axis: axis + 1 });
  const shape = axis === 1 ? [n, h * phases.length, w, c] : [n, h, w * phases.length, c];
  return scope.reshape(joined, shape);
}

/**
 * dx is a correlation of dy with the filter rotated 180 degrees (in/out channels swapped). With a
 * stride s, dx splits into s*s phases (rows and columns by residue mod s), each a stride-1
 * correlation with the taps that reach it: exactly the forward pass's multiply-adds, where
 * correlating a zero-dilated dy would do s*s times as many. The phases are interleaved back.
 */
export const conv2DBackpropInputWasm: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as ConvGradientAttrs & { inputShape: [number, number, number, number] };
  checkSupported(tf.Conv2DBackpropInput, a);
  const info = convInfoOf(a.inputShape, filter.shape, a);
  return inKernelScope(backend as tf.KernelBackend, BACKEND, (scope) => {
    const reversed = scope.run('Reverse', { x: filter }, { dims: [0, 1] });
    const flipped = scope.transpose(reversed, [0, 1, 3, 2]);
    const rowPhases: tf.TensorInfo[] = [];
    for (let ry = 0; ry < info.strideHeight; ry++) {
      const rows = phaseTaps(ry, info.padInfo.top, info.strideHeight, info.filterHeight);
      const colPhases: tf.TensorInfo[] = [];
      for (let rx = 0; rx < info.strideWidth; rx++) {
        const cols = phaseTaps(rx, info.padInfo.left, info.strideWidth, info.filterWidth);
        colPhases.push(inputGradientPhase(scope, dy, flipped, info, rows, cols));
      }
      rowPhases.push(interleave(scope, colPhases, 2));
    }
    const full = interleave(scope, rowPhases, 1);
    return scope.slice(full, [0, 0, 0, 0], [info.batchSize, info.inHeight, info.inWidth, info.inChannels]);
  });
};

/**
 * Below this many filter taps times input channels (the stem of an RGB or grey-scale network) the
 * convolution form below is dominated by transposing and packing dy as a huge filter, and
 * gathering the input patches explicitly is about twice as fast.
 */
const PATCH_MATMUL_MAX_ROWS = 64;

/** The input rows/columns the forward pass read: padding added, and excess beyond the last window cropped. */
function windowSpan(info: tf.backend_util.Conv2DInfo): SpatialPadding {
  const spanHeight = (info.outHeight - 1) * info.strideHeight + info.filterHeight;
  const spanWidth = (info.outWidth - 1) * info.strideWidth + info.filterWidth;
  const { top, left } = info.padInfo;
  return { top, left, bottom: spanHeight - top - info.inHeight, right: spanWidth - left - info.inWidth };
}

/**
 * dW = a 'valid' convolution whose batch is the input channels and whose reduction channels are
 * the batch: x transposed to [Cin, H, W, N], explicitly padded (or cropped) to exactly the rows
 * the forward pass read, convolved with dy transposed to [outH, outW, N, Cout] as the filter,
 * dilated by the stride. Out comes [Cin, fh, fw, Cout], transposed to the filter layout.
 */
function filterGradientByConvolution(
  scope: KernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const channelsAsBatch = scope.transpose(x, [3, 1, 2, 0]);
  const dyAsFilter = scope.transpose(dy, [1, 2, 0, 3]);
  const gradient = convolve(scope, channelsAsBatch, dyAsFilter, windowSpan(info), [
    info.strideHeight,
    info.strideWidth,
  ]);
  return scope.transpose(gradient, [1, 2, 0, 3]);
}

/**
 * dW = patches^T x dy: for each filter tap, the input pixels it met (x transposed to
 * [Cin, N, H, W] and sliced with the stride) as rows of a [taps * Cin, N*outH*outW] matrix,
 * times dy viewed as [N*outH*outW, Cout] without any copy. Rows come out tap-major, which is
 * already the [fh, fw, Cin, Cout] filter layout.
 */
function filterGradientByPatches(
  scope: KernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize, inChannels, outHeight, outWidth, outChannels, strideHeight, strideWidth } = info;
  const span = windowSpan(info);
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const cropped = scope.slice(x, [0, 0, 0, 0], [n, h + Math.min(0, span.bottom), w + Math.min(0, span.right), c]);
  const padded = scope.pad(cropped, [
    [0, 0],
    [span.top, Math.max(0, span.bottom)],
    [span.left, Math.max(0, span.right)],
    [0, 0],
  ]);
  const channelsFirst = scope.transpose(padded, [3, 0, 1, 2]);
  const pixels = batchSize * outHeight * outWidth;
  const rows: tf.TensorInfo[] = [];
  for (let kh = 0; kh < info.filterHeight; kh++) {
    for (let kw = 0; kw < info.filterWidth; kw++) {
      const end = [inChannels, batchSize, kh + (outHeight - 1) * strideHeight + 1, kw + (outWidth - 1) * strideWidth + 1];
      const tap =
        strideHeight === 1 && strideWidth === 1
          ? scope.slice(channelsFirst, [0, 0, kh, kw], [inChannels, batchSize, outHeight, outWidth])
          : scope.run(
              'StridedSlice',
              { x: channelsFirst },
              {
                begin: [0, 0, kh, kw],
                end,
                strides: [1, 1, strideHeight, strideWidth],
                beginMask: 0,
                endMask: 0,
                ellipsisMask: 0,
                newAxisMask: 0,
                shrinkAxisMask: 0,
              },
            );
      rows.push(scope.reshape(tap, [inChannels, pixels]));
    }
  }
  const patches = rows.length === 1 ? rows[0]! : scope.run('Concat', rows as unknown as tf.NamedTensorInfoMap, { axis: 0 });
  const dyMatrix = scope.reshape(dy, [pixels, outChannels]);
  const gradient = scope.run('BatchMatMul', { a: patches, b: dyMatrix }, { transposeA: false, transposeB: false });
  return scope.reshape(gradient, [info.filterHeight, info.filterWidth, inChannels, outChannels]);
}

export const conv2DBackpropFilterWasm: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as ConvGradientAttrs & { filterShape: [number, number, number, number] };
  checkSupported(tf.Conv2DBackpropFilter, a);
  const info = convInfoOf(x.shape, a.filterShape, a);
  const byPatches = info.filterHeight * info.filterWidth * info.inChannels <= PATCH_MATMUL_MAX_ROWS;
  return inKernelScope(backend as tf.KernelBackend, BACKEND, (scope) =>
    byPatches ? filterGradientByPatches(scope, x, dy, info) : filterGradientByConvolution(scope, x, dy, info),
  );
};
