// Softmax on plain row-major arrays, for numbers computed outside a tfjs graph (evaluation, serving).

/** Row-wise softmax of row-major logits (in float64, stored as float32). */
export function softmaxRows(logits: Float32Array, numClasses: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let start = 0; start < logits.length; start += numClasses) {
    let max = -Infinity;
    for (let c = 0; c < numClasses; c++) max = Math.max(max, logits[start + c] ?? 0);
    let sum = 0;
    for (let c = 0; c < numClasses; c++) sum += Math.exp((logits[start + c] ?? 0) - max);
    for (let c = 0; c < numClasses; c++) out[start + c] = Math.exp((logits[start + c] ?? 0) - max) / sum;
  }
  return out;
}
