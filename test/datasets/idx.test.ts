// IDX parser: real bytes written by hand, valid and malformed.

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  DatasetFormatError,
  assertSameCount,
  DecompressedTooLargeError,
  gunzipIfNeeded,
  isGzip,
  parseIdxImages,
  parseIdxLabels,
  toIdxImages,
  toIdxLabels,
} from '../../src/datasets';

function idxBytes(magic: number, sizes: number[], body: number[]): Uint8Array {
  const header = [magic, ...sizes].flatMap((v) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
  return new Uint8Array([...header, ...body]);
}

const twoImages2x3 = idxBytes(0x803, [2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
const twoLabels = idxBytes(0x801, [2], [7, 3]);

describe('IDX images', () => {
  it('parses header and pixels', () => {
    const images = parseIdxImages(twoImages2x3);
    expect(images).toMatchObject({ count: 2, height: 2, width: 3, channels: 1 });
    expect(Array.from(images.pixels)).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
  });

  it('rejects a wrong magic number, naming both', () => {
    expect(() => parseIdxImages(twoLabels)).toThrow(/IDX magic number 0x00000803 expected, got 0x00000801/);
  });

  it('rejects truncated files', () => {
    expect(() => parseIdxImages(twoImages2x3.slice(0, -1))).toThrow(/truncated.*28 bytes expected, got 27/);
    expect(() => parseIdxImages(twoImages2x3.slice(0, 10))).toThrow(DatasetFormatError);
    expect(() => parseIdxImages(new Uint8Array([0, 0]))).toThrow(/too short/);
  });

  it('rejects trailing bytes', () => {
    const longer = new Uint8Array([...twoImages2x3, 9]);
    expect(() => parseIdxImages(longer)).toThrow(/trailing bytes/);
  });

  it('round-trips through toIdxImages', () => {
    const images = parseIdxImages(twoImages2x3);
    expect(toIdxImages(images)).toEqual(twoImages2x3);
  });
});

describe('IDX labels', () => {
  it('parses labels', () => {
    const labels = parseIdxLabels(twoLabels);
    expect(labels.count).toBe(2);
    expect(Array.from(labels.labels)).toEqual([7, 3]);
    expect(toIdxLabels(labels.labels)).toEqual(twoLabels);
  });

  it('rejects an images file given as labels', () => {
    expect(() => parseIdxLabels(twoImages2x3)).toThrow(/0x00000801 expected, got 0x00000803/);
  });

  it('rejects a count mismatch between labels and images', () => {
    const threeLabels = idxBytes(0x801, [3], [1, 2, 3]);
    expect(() => assertSameCount(parseIdxImages(twoImages2x3), parseIdxLabels(threeLabels))).toThrow(
      'labels file has 3 items but images file has 2',
    );
  });
});

describe('gzip', () => {
  it('refuses gzip input with a clear message and decompresses it on request', async () => {
    const gz = new Uint8Array(gzipSync(twoLabels));
    expect(isGzip(gz)).toBe(true);
    expect(() => parseIdxLabels(gz)).toThrow(/gzip-compressed/);
    expect(await gunzipIfNeeded(gz)).toEqual(twoLabels);
    expect(await gunzipIfNeeded(twoLabels)).toBe(twoLabels);
  });

  it('stops inflating past the limit it is given', async () => {
    const gz = new Uint8Array(gzipSync(new Uint8Array(1_000_000)));
    await expect(gunzipIfNeeded(gz, 999_999)).rejects.toThrow(DecompressedTooLargeError);
    expect((await gunzipIfNeeded(gz, 1_000_000)).byteLength).toBe(1_000_000);
  });

  it('reports corrupt gzip as a format error', async () => {
    const gz = new Uint8Array(gzipSync(twoLabels)).slice(0, 12);
    await expect(gunzipIfNeeded(gz)).rejects.toThrow(DatasetFormatError);
  });
});
