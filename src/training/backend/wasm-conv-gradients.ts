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

interface ConvGradientAttrs {
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

/** Inserts stride-1 zeros after every row and column of dy (NHWC), by padding a reshaped view. */
function dilateByStride(
  scope: KernelScope,
  dy: tf.TensorInfo,
  strideHeight: number,
  strideWidth: number,
): tf.TensorInfo {
  const [n, oh, ow, c] = dy.shape as [number, number, number, number];
  let out = dy;
  if (strideWidth > 1) {
    const columns = scope.reshape(out, [n * oh, ow, 1, c]);
    const spread = scope.pad(columns, [[0, 0], [0, 0], [0, strideWidth - 1], [0, 0]]);
    out = scope.reshape(spread, [n, oh, ow * strideWidth, c]);
  }
  if (strideHeight > 1) {
    const width = ow * strideWidth;
    const rows = scope.reshape(out, [n, oh, 1, width * c]);
    const spread = scope.pad(rows, [[0, 0], [0, 0], [0, strideHeight - 1], [0, 0]]);
    out = scope.reshape(spread, [n, oh * strideHeight, width, c]);
  }
  return out;
}

/**
 * dx = the full correlation of the stride-dilated dy with the filter rotated 180 degrees and its
 * in/out channels swapped. The trailing zeros the dilation adds are absorbed by the bottom/right
 * padding, which may become negative (a crop).
 */
export const conv2DBackpropInputWasm: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as ConvGradientAttrs & { inputShape: [number, number, number, number] };
  checkSupported(tf.Conv2DBackpropInput, a);
  const info = convInfoOf(a.inputShape, filter.shape, a);
  return inKernelScope(backend as tf.KernelBackend, BACKEND, (scope) => {
    const flipped = scope.run('Reverse', { x: filter }, { dims: [0, 1] });
    const swapped = scope.transpose(flipped, [0, 1, 3, 2]);
    const dilated = dilateByStride(scope, dy, info.strideHeight, info.strideWidth);
    const [, dilatedHeight, dilatedWidth] = dilated.shape as [number, number, number, number];
    const top = info.filterHeight - 1 - info.padInfo.top;
    const left = info.filterWidth - 1 - info.padInfo.left;
    return convolve(
      scope,
      dilated,
      swapped,
      {
        top,
        left,
        bottom: info.inHeight + info.filterHeight - 1 - dilatedHeight - top,
        right: info.inWidth + info.filterWidth - 1 - dilatedWidth - left,
      },
      [1, 1],
    );
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
