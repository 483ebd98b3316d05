// IDX file format (unsigned-byte data only; the magic number's third byte 0x08) (MNIST family): parse images/labels and write them back, validating every byte count.

import { DatasetFormatError } from './errors';
import { rejectGzip } from './gzip';

export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

export interface IdxImages {
  count: number;
  height: number;
  width: number;
  channels: 1;
  pixels: Uint8Array;
}

export interface IdxLabels {
  count: number;
  labels: Uint8Array;
}

const hex = (value: number): string => `0x${value.toString(16).padStart(8, '0')}`;

function readHeader(bytes: Uint8Array, what: string, magic: number): number[] {
  rejectGzip(bytes, what);
  const dims = magic & 0xff;
  const headerLength = 4 + 4 * dims;
  if (bytes.length < 4) {
    throw new DatasetFormatError(`${what} is ${bytes.length} bytes, too short for an IDX header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const actual = view.getUint32(0, false);
  if (actual !== magic) {
    throw new DatasetFormatError(`${what}: IDX magic number ${hex(magic)} expected, got ${hex(actual)}`);
  }
  if (bytes.length < headerLength) {
    throw new DatasetFormatError(`${what} is ${bytes.length} bytes, too short for its ${headerLength}-byte header`);
  }
  const sizes = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const expected = headerLength + sizes.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected) {
    const problem = bytes.length < expected ? 'truncated' : 'has trailing bytes';
    throw new DatasetFormatError(
      `${what} ${problem}: header declares ${sizes.join('x')} items, so ${expected} bytes expected, got ${bytes.length}`,
    );
  }
  return sizes;
}

/** Parses an IDX3 unsigned-byte images file (magic 0x00000803). */
export function parseIdxImages(bytes: Uint8Array): IdxImages {
  const [count = 0, height = 0, width = 0] = readHeader(bytes, 'images file', IDX_IMAGES_MAGIC);
  if (height === 0 || width === 0) throw new DatasetFormatError(`images file: image size ${height}x${width} is empty`);
  return { count, height, width, channels: 1, pixels: bytes.slice(16) };
}

/** Parses an IDX1 unsigned-byte labels file (magic 0x00000801). */
export function parseIdxLabels(bytes: Uint8Array): IdxLabels {
  const [count = 0] = readHeader(bytes, 'labels file', IDX_LABELS_MAGIC);
  return { count, labels: bytes.slice(8) };
}

/** Checks an images file and a labels file describe the same number of items. */
export function assertSameCount(images: IdxImages, labels: IdxLabels): void {
  if (images.count !== labels.count) {
    throw new DatasetFormatError(`labels file has ${labels.count} items but images file has ${images.count}`);
  }
}

function withHeader(magic: number, sizes: number[], body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * sizes.length + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, false);
  sizes.forEach((size, i) => view.setUint32(4 + 4 * i, size, false));
  out.set(body, 4 + 4 * sizes.length);
  return out;
}

/** Serialises single-channel images as an IDX3 file. */
export function toIdxImages(images: { count: number; height: number; width: number; pixels: Uint8Array }): Uint8Array {
  return withHeader(IDX_IMAGES_MAGIC, [images.count, images.height, images.width], images.pixels);
}

/** Serialises labels as an IDX1 file. */
export function toIdxLabels(labels: Uint8Array): Uint8Array {
  return withHeader(IDX_LABELS_MAGIC, [labels.length], labels);
}
