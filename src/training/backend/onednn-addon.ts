// Loads the optional native oneDNN addon (native/), or says why it is not there.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The addon's functions (native/src/addon.cc). Tensor functions take the wasm heap and a Float64Array of offsets and sizes. */
export interface OnednnAddon {
  conv2d(heap: ArrayBuffer, params: Float64Array): void;
  conv2dBackpropInput(heap: ArrayBuffer, params: Float64Array): void;
  conv2dBackpropFilter(heap: ArrayBuffer, params: Float64Array): void;
  matMul(heap: ArrayBuffer, params: Float64Array): void;
  maxPoolGrad(heap: ArrayBuffer, params: Float64Array): void;
  /** Sets this thread's oneDNN (OpenMP) thread count. */
  setThreads(threads: number): void;
  threads(): number;
  library(): { version: string; runtime: string; convolution: string };
}

export type AddonLoad = { ok: true; addon: OnednnAddon; path: string } | { ok: false; reason: string };

const NATIVE_DIRECTORY = fileURLToPath(new URL('../../../native/', import.meta.url));
const DEFAULT_ADDON = `${NATIVE_DIRECTORY}build/Release/distillery_onednn.node`;
/** Written by native/install.mjs: whether the build at `npm install` succeeded, and why not. */
const BUILD_STATUS = `${NATIVE_DIRECTORY}build/status.json`;

/** DISTILLERY_ONEDNN_ADDON points at another build of the addon (packaging, or a test of the fallback). */
export function addonPathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.DISTILLERY_ONEDNN_ADDON?.trim();
  return configured ? configured : DEFAULT_ADDON;
}

const loaded = new Map<string, AddonLoad>();

/**
 * Loads the addon once per path and thread. Never throws: a missing build, a library that no
 * longer loads (libdnnl removed after the build) or an addon built for another platform all come
 * back as a reason the caller reports.
 */
export function loadOnednnAddon(path: string = addonPathFromEnv()): AddonLoad {
  const known = loaded.get(path);
  if (known) return known;
  const result = tryLoad(path);
  loaded.set(path, result);
  return result;
}

function tryLoad(path: string): AddonLoad {
  if (!existsSync(path)) return { ok: false, reason: `the oneDNN addon is not built (${whyNotBuilt(path)})` };
  try {
    const addon = createRequire(import.meta.url)(path) as OnednnAddon;
    return { ok: true, addon, path };
  } catch (error) {
    return { ok: false, reason: `the oneDNN addon ${path} does not load: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function whyNotBuilt(path: string): string {
  if (path !== DEFAULT_ADDON) return `${path} does not exist`;
  try {
    const status = JSON.parse(readFileSync(BUILD_STATUS, 'utf8')) as { reason?: unknown };
    if (typeof status.reason === 'string') return status.reason;
  } catch {
    // No status file: the install script never ran here (e.g. `npm install --ignore-scripts`).
  }
  return 'run `npm run build:native` after `apt-get install libdnnl-dev`';
}
