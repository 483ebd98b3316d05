// Locates the wasm backend's .wasm binaries on disk, for Node where they cannot be fetched by URL.
import { createRequire } from 'node:module';
import path from 'node:path';

/** Directory (with trailing separator) holding tfjs-backend-wasm's .wasm files, as a file path. */
export function wasmBinaryDirectory(): string {
  const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  return `${path.dirname(entry)}${path.sep}`;
}

/** The binary tfjs-backend-wasm loads for these capabilities (mirrors its own choice). */
export function wasmBinaryFileName(simd: boolean, multithread: boolean): string {
  if (simd && multithread) return 'tfjs-backend-wasm-threaded-simd.wasm';
  return simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
}
