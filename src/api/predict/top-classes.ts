// The k most probable classes of each row: TF Serving's `top_k` extension and KServe's classification extension.

export interface RankedClass {
  /** Class index. */
  index: number;
  probability: number;
}

/** Each row's `k` most probable classes (k at most the class count), highest first; a tie keeps the lower index first. */
export function topClasses(probabilities: Float32Array, classes: number, k: number): RankedClass[][] {
  const rows: RankedClass[][] = [];
  for (let start = 0; start < probabilities.length; start += classes) {
    const ranked = Array.from(probabilities.subarray(start, start + classes), (probability, index) => ({ index, probability }));
    ranked.sort((a, b) => b.probability - a.probability || a.index - b.index);
    rows.push(ranked.slice(0, k));
  }
  return rows;
}

/** Rows x classes as nested arrays (JSON numbers). */
export function toRows(values: Float32Array, classes: number): number[][] {
  const rows: number[][] = [];
  for (let start = 0; start < values.length; start += classes) rows.push(Array.from(values.subarray(start, start + classes)));
  return rows;
}
