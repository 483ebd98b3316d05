// Cuts a blob stream into the fixed-size parts of a multipart upload (R2, S3).

/**
 * Cuts a stream into parts of exactly `partSize` bytes (the last may be shorter), one part
 * buffered at a time. Calls to next() must not overlap.
 */
export class PartReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  /** Bytes of the last chunk read that did not fit the previous part. */
  private leftover: Uint8Array = new Uint8Array();
  private ended = false;

  constructor(stream: ReadableStream<Uint8Array>, private readonly partSize: number) {
    this.reader = stream.getReader();
  }

  /**
   * The next part, or null once the stream has ended and every byte was handed out. The part is
   * copied into `into` (partSize bytes) when given, so a caller can reuse one buffer per part in
   * flight instead of leaving a fresh one per part for the garbage collector; the returned view is
   * valid until that buffer is passed in again.
   */
  async next(into: Uint8Array = new Uint8Array(this.partSize)): Promise<Uint8Array | null> {
    if (into.byteLength !== this.partSize) throw new RangeError(`a part buffer must be ${this.partSize} bytes, not ${into.byteLength}`);
    let filled = 0;
    for (;;) {
      const taken = Math.min(this.leftover.byteLength, this.partSize - filled);
      into.set(this.leftover.subarray(0, taken), filled);
      this.leftover = this.leftover.subarray(taken);
      filled += taken;
      if (filled === this.partSize || this.ended) break;
      const next = await this.reader.read();
      if (next.done) this.ended = true;
      else this.leftover = next.value;
    }
    return filled === 0 ? null : into.subarray(0, filled);
  }

  /** Reads the rest of the stream, keeping nothing (its bytes still pass through the digest). */
  async drain(): Promise<void> {
    while (!this.ended) {
      if ((await this.reader.read()).done) this.ended = true;
    }
    this.leftover = new Uint8Array();
  }

  async cancel(reason: unknown): Promise<void> {
    await this.reader.cancel(reason).catch(() => undefined);
  }
}
