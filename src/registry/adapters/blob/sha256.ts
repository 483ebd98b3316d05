// Incremental SHA-256 (FIPS 180-4) in plain JavaScript: Web Crypto only hashes whole buffers, and the
// Worker must hash streams as they flow without reaching node:crypto.

// Int32Array, not Uint32Array: a Uint32Array word above 2^31 reads as a double in V8; all arithmetic
// below stays in signed 32-bit integers (`| 0`), and only the digest turns words unsigned.
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const BLOCK_BYTES = 64;

/** A running SHA-256: feed it chunks with `update`, then read the hex digest once. */
export interface Sha256 {
  update(chunk: Uint8Array): void;
  /** The lowercase hex digest of everything fed so far; the hash cannot be updated afterwards. */
  digestHex(): string;
}

export function createSha256(): Sha256 {
  const state = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const words = new Int32Array(16);
  const pending = new Uint8Array(BLOCK_BYTES);
  let pendingBytes = 0;
  let totalBytes = 0;
  let finished = false;

  function update(chunk: Uint8Array): void {
    if (finished) throw new Error('sha256 already digested');
    totalBytes += chunk.byteLength;
    let offset = 0;
    if (pendingBytes > 0) {
      const taken = Math.min(BLOCK_BYTES - pendingBytes, chunk.byteLength);
      pending.set(chunk.subarray(0, taken), pendingBytes);
      pendingBytes += taken;
      offset = taken;
      if (pendingBytes < BLOCK_BYTES) return;
      compress(state, words, pending, 0);
      pendingBytes = 0;
    }
    for (; offset + BLOCK_BYTES <= chunk.byteLength; offset += BLOCK_BYTES) compress(state, words, chunk, offset);
    pending.set(chunk.subarray(offset), 0);
    pendingBytes = chunk.byteLength - offset;
  }

  function digestHex(): string {
    if (finished) throw new Error('sha256 already digested');
    const bitLength = totalBytes * 8;
    const padding = new Uint8Array((pendingBytes < 56 ? 56 : 120) - pendingBytes + 8);
    padding[0] = 0x80;
    const tail = new DataView(padding.buffer, padding.byteLength - 8);
    tail.setUint32(0, Math.floor(bitLength / 2 ** 32));
    tail.setUint32(4, bitLength >>> 0);
    update(padding);
    finished = true;
    let hex = '';
    for (const word of state) hex += (word >>> 0).toString(16).padStart(8, '0');
    return hex;
  }

  return { update, digestHex };
}

/** One 64-byte block; the message schedule lives in a ring of 16 words, each computed as its round needs it. */
function compress(state: Int32Array, w: Int32Array, bytes: Uint8Array, offset: number): void {
  let a = state[0]! | 0, b = state[1]! | 0, c = state[2]! | 0, d = state[3]! | 0, e = state[4]! | 0, f = state[5]! | 0, g = state[6]! | 0, h = state[7]! | 0;
  for (let i = 0; i < 64; i++) {
    let word: number;
    if (i < 16) {
      const j = offset + (i << 2);
      word = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
    } else {
      const x = w[(i - 15) & 15]!;
      const y = w[(i - 2) & 15]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      word = (w[i & 15]! + s0 + w[(i - 7) & 15]! + s1) | 0;
    }
    w[i & 15] = word;
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + word) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0; state[1] = (state[1]! + b) | 0; state[2] = (state[2]! + c) | 0; state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0; state[5] = (state[5]! + f) | 0; state[6] = (state[6]! + g) | 0; state[7] = (state[7]! + h) | 0;
}
