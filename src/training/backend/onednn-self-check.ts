// A start-up check that the loaded oneDNN addon computes the right numbers on this machine.
import type { OnednnAddon } from './onednn-addon';

/**
 * One small strided, padded convolution (forward with bias and ReLU, and both gradients) and one
 * transposed matmul, against plain loops. A build against a mismatched library or a broken CPU
 * dispatch fails here, and the backend falls back, instead of training on wrong numbers.
 * Returns null when every result agrees, else what disagreed.
 */
export function checkOnednnAddon(addon: OnednnAddon): string | null {
  try {
    return checkConvolution(addon) ?? checkMatMul(addon);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

// x [1, 5, 4, 3], w [3, 3, 3, 2], stride 2, padding top/left 1, bottom/right 1 -> y [1, 3, 2, 2].
const G = { n: 1, ih: 5, iw: 4, ic: 3, oh: 3, ow: 2, oc: 2, kh: 3, kw: 3, s: 2, pt: 1, pl: 1, pb: 1, pr: 1 };

/** A heap holding float32 arrays one after another, and their byte offsets. */
function heapWith(...arrays: Float32Array[]): { heap: ArrayBuffer; offsets: number[]; view: (i: number) => Float32Array } {
  const offsets: number[] = [];
  let bytes = 0;
  for (const a of arrays) {
    offsets.push(bytes);
    bytes += a.byteLength;
  }
  const heap = new ArrayBuffer(bytes);
  arrays.forEach((a, i) => new Float32Array(heap, offsets[i], a.length).set(a));
  return { heap, offsets, view: (i) => new Float32Array(heap, offsets[i], arrays[i]!.length) };
}

const ramp = (size: number, scale: number) => Float32Array.from({ length: size }, (_, i) => (((i * 7) % 11) - 5) * scale);

/** Visits every (output position, filter tap) pair of the check's convolution with the flat indices it joins. */
function eachTap(visit: (xAt: number, wAt: number, yAt: number) => void): void {
  for (let oy = 0; oy < G.oh; oy++)
    for (let ox = 0; ox < G.ow; ox++)
      for (let ky = 0; ky < G.kh; ky++)
        for (let kx = 0; kx < G.kw; kx++) {
          const iy = oy * G.s - G.pt + ky;
          const ix = ox * G.s - G.pl + kx;
          if (iy < 0 || iy >= G.ih || ix < 0 || ix >= G.iw) continue;
          for (let c = 0; c < G.ic; c++)
            for (let o = 0; o < G.oc; o++) visit((iy * G.iw + ix) * G.ic + c, ((ky * G.kw + kx) * G.ic + c) * G.oc + o, (oy * G.ow + ox) * G.oc + o);
        }
}

function disagreement(what: string, actual: Float32Array, expected: Float32Array): string | null {
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= 1e-4 * Math.max(1, Math.abs(expected[i]!)))) {
      return `${what}[${i}] = ${actual[i]}, expected ${expected[i]}`;
    }
  }
  return null;
}

function convParams(offsets: number[]): Float64Array {
  return Float64Array.of(...offsets, G.n, G.ih, G.iw, G.ic, G.oh, G.ow, G.oc, G.kh, G.kw, G.s, G.s, 1, 1, G.pt, G.pl, G.pb, G.pr);
}

function checkConvolution(addon: OnednnAddon): string | null {
  const x = ramp(G.ih * G.iw * G.ic, 0.25);
  const w = ramp(G.kh * G.kw * G.ic * G.oc, 0.125);
  const bias = Float32Array.of(0.5, -0.25);
  const dy = ramp(G.oh * G.ow * G.oc, 0.5);
  const y = new Float32Array(dy.length);
  const dx = new Float32Array(x.length);
  const dw = new Float32Array(w.length);
  eachTap((xi, wi, yi) => {
    y[yi]! += x[xi]! * w[wi]!;
    dx[xi]! += dy[yi]! * w[wi]!;
    dw[wi]! += dy[yi]! * x[xi]!;
  });
  y.forEach((v, i) => (y[i] = Math.max(0, v + bias[i % G.oc]!)));

  const h = heapWith(x, w, bias, dy, new Float32Array(y.length), new Float32Array(dx.length), new Float32Array(dw.length));
  const [xAt, wAt, biasAt, dyAt, yAt, dxAt, dwAt] = h.offsets as [number, number, number, number, number, number, number];
  addon.conv2d(h.heap, Float64Array.of(...convParams([xAt, wAt, biasAt, yAt]), 1, 0));
  addon.conv2dBackpropInput(h.heap, Float64Array.of(...convParams([dyAt, wAt, -1, dxAt]), 0, 0));
  addon.conv2dBackpropFilter(h.heap, Float64Array.of(...convParams([xAt, dyAt, -1, dwAt]), 0, 0));
  return disagreement('conv2d', h.view(4), y) ?? disagreement('conv2d input gradient', h.view(5), dx) ?? disagreement('conv2d filter gradient', h.view(6), dw);
}

function checkMatMul(addon: OnednnAddon): string | null {
  // out[2x3] = a[2x4] x (bT[3x4])^T
  const a = ramp(8, 0.5);
  const bT = ramp(12, 0.25);
  const expected = new Float32Array(6);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expected[i * 3 + j]! += a[i * 4 + k]! * bT[j * 4 + k]!;
  const h = heapWith(a, bT, new Float32Array(6));
  const [aAt, bAt, outAt] = h.offsets as [number, number, number];
  addon.matMul(h.heap, Float64Array.of(aAt, bAt, -1, outAt, 1, 1, 2, 4, 3, 0, 1, 0, 0));
  return disagreement('matMul', h.view(2), expected);
}
