// PartReader: fixed-size parts from uneven chunks, into a caller's reused buffer when given one.
import { describe, expect, it } from 'vitest';
import { PartReader } from '../../../src/registry/adapters/blob/part-reader';

function streamOf(chunks: number[][]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new Uint8Array(chunk));
      controller.close();
    },
  });
}

describe('PartReader', () => {
  it('cuts uneven chunks into parts of the part size, the last shorter, refilling the buffer it is given', async () => {
    const parts = new PartReader(streamOf([[1, 2], [3, 4, 5, 6, 7], [], [8]]), 3);
    const buffer = new Uint8Array(3);
    const read: number[][] = [];
    for (let part = await parts.next(buffer); part !== null; part = await parts.next(buffer)) {
      expect(part.buffer).toBe(buffer.buffer);
      read.push([...part]);
    }
    expect(read).toEqual([[1, 2, 3], [4, 5, 6], [7, 8]]);
  });

  it('refuses a buffer that is not one part long', async () => {
    const parts = new PartReader(streamOf([[1, 2, 3, 4]]), 3);
    await expect(parts.next(new Uint8Array(2))).rejects.toBeInstanceOf(RangeError);
  });
});
