// Row-major float32 tensors from JSON: nested arrays checked against a shape, and flat data of a declared shape,
// with every value a finite number float32 can hold. Shared by TF Serving's and KServe's request parsers.
import { invalidInput } from './errors';

/** The largest finite float32: a larger magnitude would become Infinity when fed to the model. */
const MAX_FLOAT32 = 3.4028234663852886e38;

/** `value` as JSON writes it, cut short: what an error message quotes. */
export function quote(value: unknown): string {
  // JSON.stringify writes NaN and Infinity as null: a message must name them.
  const text = value === undefined ? 'nothing' : typeof value === 'number' ? String(value) : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** What kind of JSON value `value` is, for messages: `a string`, `an array of 3`, `an object`. */
export function kindOf(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value === 'number' ? 'the number' : `a ${typeof value}`} ${quote(value)}`;
}

/** A number the model can take, stored as float32; 400 naming `path` for anything else (strings, booleans, null, out of range). */
export function float32Value(value: unknown, path: string): number {
  if (typeof value !== 'number') throw invalidInput(`${path}: expected a number, got ${kindOf(value)}`, path);
  if (!Number.isFinite(value) || Math.abs(value) > MAX_FLOAT32) {
    throw invalidInput(`${path}: ${quote(value)} is not a finite float32 value`, path);
  }
  return value;
}

/** The number of values one row of `shape` holds. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

/**
 * Writes `value`, nested arrays of exactly `shape` (`[]`: one number), into `into` from `offset`, row-major;
 * 400 naming the first place where the nesting (rank) or a length (shape) differs, or a value is not a number.
 */
export function writeNested(value: unknown, shape: readonly number[], into: Float32Array, offset: number, path: string): void {
  if (shape.length === 0) {
    into[offset] = float32Value(value, path);
    return;
  }
  const [length, ...inner] = shape as [number, ...number[]];
  if (!Array.isArray(value) || value.length !== length) {
    throw invalidInput(`${path}: expected an array of ${length}, got ${kindOf(value)} (each input has shape ${quote(shape)} here)`, path);
  }
  const stride = sizeOf(inner);
  for (let i = 0; i < length; i++) writeNested(value[i], inner, into, offset + i * stride, `${path}[${i}]`);
}

/** Whether `value` is nested arrays all the way down (no number at the top): how flat data is told from nested. */
export function isNested(value: readonly unknown[]): boolean {
  return value.some((item) => Array.isArray(item));
}
