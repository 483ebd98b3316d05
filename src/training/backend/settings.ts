// The engine's settings from the environment: which backend (DISTILLERY_BACKEND) and how many native
// threads (DISTILLERY_THREADS). No tfjs here: the API's main thread and the CLI read them without
// loading the engine.
import { availableParallelism } from 'node:os';
import { InvalidBackendPreferenceError, InvalidThreadCountError } from './errors';

/** What DISTILLERY_BACKEND asks for; `onednn` starts the backend reported as 'wasm+onednn'. */
export type BackendPreference = 'auto' | 'tensorflow' | 'onednn' | 'wasm' | 'cpu';

export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'tensorflow', 'onednn', 'wasm', 'cpu'];

/** Reads DISTILLERY_BACKEND; unset or empty means `auto`. */
export function backendPreferenceFromEnv(env: NodeJS.ProcessEnv = process.env): BackendPreference {
  const value = env.DISTILLERY_BACKEND?.trim().toLowerCase() ?? '';
  if (value === '') return 'auto';
  if (!(BACKEND_PREFERENCES as readonly string[]).includes(value)) throw new InvalidBackendPreferenceError(value);
  return value as BackendPreference;
}

/** DISTILLERY_THREADS: the cores this process computes on (default: every core it may use). */
export function threadsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DISTILLERY_THREADS?.trim() ?? '';
  if (raw === '') return availableParallelism();
  const threads = Number(raw);
  if (!Number.isInteger(threads) || threads < 1) throw new InvalidThreadCountError(raw);
  return threads;
}

/**
 * The native threads each of `engines` concurrent engines in this process gets, so that together
 * they use the process's cores once (training runs on a node with concurrency 2 take half each).
 */
export function threadsPerEngine(engines: number, env: NodeJS.ProcessEnv = process.env): number {
  return Math.max(1, Math.floor(threadsFromEnv(env) / Math.max(1, engines)));
}
