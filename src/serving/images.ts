// Encoded images as model input: PNG (fast-png) or JPEG (jpeg-js) decoded, converted to the model's channels
// (gray <-> RGB, alpha dropped), resized bilinearly to its height x width, scaled to [0, 1]; normalised per member.
import { convertIndexedToRgb, decode as decodePng, hasPngSignature } from 'fast-png';
import jpeg from 'jpeg-js';
import type { InputNormalization } from '../registry/ports';
import { InvalidImageError } from './errors';

/** Images larger than this are refused before decoding: a small file can claim a huge canvas. */
const MAX_PIXELS = 64 * 1024 * 1024;

/** What a channels-last input of rank 3 ([H, W, C]) or 2 ([H, W], one channel) takes. */
export interface ImageGeometry {
  height: number;
  width: number;
  channels: 1 | 3 | 4;
}

/** The image a model input shape describes; InvalidImageError when the model does not take images. */
export function imageGeometry(inputShape: readonly number[]): ImageGeometry {
  const [height, width, channels = 1] = inputShape;
  if ((inputShape.length !== 2 && inputShape.length !== 3) || height === undefined || width === undefined) {
    throw new InvalidImageError(`the model takes inputs of shape [${inputShape.join(', ')}], not images ([height, width, channels])`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new InvalidImageError(`the model takes ${channels} channels per pixel; images give 1 (gray), 3 (RGB) or 4 (RGBA)`);
  }
  return { height, width, channels };
}

/** Decoded pixels, interleaved: `channels` samples per pixel (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA), each up to `maxValue`. */
interface DecodedImage {
  width: number;
  height: number;
  channels: number;
  samples: ArrayLike<number>;
  maxValue: number;
}

const isJpeg = (bytes: Uint8Array): boolean => bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;

function refuseHugeCanvas(width: number, height: number): void {
  if (width * height > MAX_PIXELS) throw new InvalidImageError(`the image is ${width}x${height}: more than ${MAX_PIXELS} pixels`);
}

/** PNG's IHDR is always first: its size can be checked before anything is inflated. */
function pngCanvasSize(bytes: Uint8Array): { width: number; height: number } {
  if (bytes.length < 24) throw new InvalidImageError('the PNG ends before its header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Samples of a gray PNG of 1, 2 or 4 bits, which fast-png leaves packed (rows padded to whole bytes). */
function unpackGray(packed: ArrayLike<number>, width: number, height: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = packed[y * rowBytes + (bit >> 3)] ?? 0;
      out[y * width + x] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

function readPng(bytes: Uint8Array): DecodedImage {
  const size = pngCanvasSize(bytes);
  refuseHugeCanvas(size.width, size.height);
  const png = decodePng(bytes);
  const { width, height } = png;
  if (png.palette) {
    const samples = convertIndexedToRgb(png);
    return { width, height, channels: samples.length / (width * height), samples, maxValue: 255 };
  }
  if (png.depth < 8) {
    return { width, height, channels: 1, samples: unpackGray(png.data, width, height, png.depth), maxValue: (1 << png.depth) - 1 };
  }
  return { width, height, channels: png.channels, samples: png.data, maxValue: png.depth === 16 ? 65535 : 255 };
}

function readJpeg(bytes: Uint8Array): DecodedImage {
  const { width, height, data } = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6 });
  return { width, height, channels: 4, samples: data, maxValue: 255 };
}

function decode(bytes: Uint8Array): DecodedImage {
  const format = hasPngSignature(bytes) ? 'PNG' : isJpeg(bytes) ? 'JPEG' : null;
  if (format === null) throw new InvalidImageError('the image is neither PNG nor JPEG');
  let image: DecodedImage;
  try {
    image = format === 'PNG' ? readPng(bytes) : readJpeg(bytes);
  } catch (error) {
    if (error instanceof InvalidImageError) throw error;
    throw new InvalidImageError(`the ${format} image does not decode: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (image.width === 0 || image.height === 0 || image.samples.length < image.width * image.height * image.channels) {
    throw new InvalidImageError(`the ${format} image has no pixels or fewer than its header says`);
  }
  return image;
}

/** ITU-R BT.601 luma, as PIL's convert('L') and most image libraries make gray from colour. */
const luma = (r: number, g: number, b: number): number => 0.299 * r + 0.587 * g + 0.114 * b;

/** The decoded pixels in [0, 1] with the model's channels: colour from gray is replicated, alpha is kept only for 4 channels. */
function toChannels(image: DecodedImage, channels: ImageGeometry['channels']): Float32Array {
  const pixels = image.width * image.height;
  const out = new Float32Array(pixels * channels);
  const { samples, channels: from } = image;
  const scale = 1 / image.maxValue;
  const hasColour = from >= 3;
  const hasAlpha = from === 2 || from === 4;
  for (let p = 0; p < pixels; p++) {
    const at = p * from;
    const r = samples[at]! * scale;
    const g = hasColour ? samples[at + 1]! * scale : r;
    const b = hasColour ? samples[at + 2]! * scale : r;
    const o = p * channels;
    if (channels === 1) {
      out[o] = hasColour ? luma(r, g, b) : r;
      continue;
    }
    out[o] = r;
    out[o + 1] = g;
    out[o + 2] = b;
    if (channels === 4) out[o + 3] = hasAlpha ? samples[at + from - 1]! * scale : 1;
  }
  return out;
}

/** Where an output coordinate samples its source axis, with half-pixel centres (TF2 `tf.image.resize`, OpenCV, PIL without antialiasing). */
function sourceAxis(outSize: number, inSize: number): { low: Int32Array; high: Int32Array; fraction: Float32Array } {
  const low = new Int32Array(outSize);
  const high = new Int32Array(outSize);
  const fraction = new Float32Array(outSize);
  const scale = inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    const source = Math.max(0, (i + 0.5) * scale - 0.5);
    low[i] = Math.min(Math.floor(source), inSize - 1);
    high[i] = Math.min(low[i]! + 1, inSize - 1);
    fraction[i] = source - low[i]!;
  }
  return { low, high, fraction };
}

/** Bilinear resize of interleaved pixels into `out` at `offset`. */
function resizeInto(pixels: Float32Array, from: { width: number; height: number }, to: ImageGeometry, out: Float32Array, offset: number): void {
  const c = to.channels;
  if (from.width === to.width && from.height === to.height) {
    out.set(pixels, offset);
    return;
  }
  const rows = sourceAxis(to.height, from.height);
  const cols = sourceAxis(to.width, from.width);
  for (let y = 0; y < to.height; y++) {
    const top = rows.low[y]! * from.width;
    const bottom = rows.high[y]! * from.width;
    const dy = rows.fraction[y]!;
    for (let x = 0; x < to.width; x++) {
      const left = cols.low[x]!;
      const right = cols.high[x]!;
      const dx = cols.fraction[x]!;
      const o = offset + (y * to.width + x) * c;
      for (let k = 0; k < c; k++) {
        const topValue = pixels[(top + left) * c + k]! + (pixels[(top + right) * c + k]! - pixels[(top + left) * c + k]!) * dx;
        const bottomValue = pixels[(bottom + left) * c + k]! + (pixels[(bottom + right) * c + k]! - pixels[(bottom + left) * c + k]!) * dx;
        out[o + k] = topValue + (bottomValue - topValue) * dy;
      }
    }
  }
}

/**
 * Decodes one PNG or JPEG into `out` at `offset` as one model-ready row before normalisation:
 * height x width x channels values in [0, 1]. Throws InvalidImageError when it does not decode.
 */
export function decodeImageInto(bytes: Uint8Array, geometry: ImageGeometry, out: Float32Array, offset: number): void {
  const image = decode(bytes);
  resizeInto(toChannels(image, geometry.channels), image, geometry, out, offset);
}

/** `(x - mean) / std` per channel over `values[start, end)` (interleaved pixels); one mean/std value applies to every channel. */
export function normalizeInPlace(values: Float32Array, start: number, end: number, channels: number, normalization: InputNormalization): void {
  const { mean, std } = normalization;
  const means = Array.from({ length: channels }, (_, c) => mean[c] ?? mean[0] ?? 0);
  const scales = Array.from({ length: channels }, (_, c) => 1 / (std[c] ?? std[0] ?? 1));
  for (let i = start; i < end; i++) {
    const c = (i - start) % channels;
    values[i] = (values[i]! - means[c]!) * scales[c]!;
  }
}
