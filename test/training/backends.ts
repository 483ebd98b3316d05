// One test suite, run once per tfjs backend the engine trains on (tfjs's practice: the same suite against every backend).

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect } from 'vitest';
import { selectBackend, type BackendName, type BackendPreference } from '../../src/training/backend';

/**
 * The pure-JS reference backend, the WebAssembly backend with the project's kernels, and the same
 * with the native oneDNN kernels (production's default where native/ is built; `npm test` expects
 * it built, and test/training/backend/onednn-build.test.ts says why when it is not).
 */
export const TRAINING_BACKENDS = ['cpu', 'wasm', 'onednn'] as const satisfies readonly BackendPreference[];
export type TrainingBackend = (typeof TRAINING_BACKENDS)[number];

const REPORTED: Record<TrainingBackend, { name: BackendName; tfjs: string }> = {
  cpu: { name: 'cpu', tfjs: 'cpu' },
  wasm: { name: 'wasm', tfjs: 'wasm' },
  onednn: { name: 'wasm+onednn', tfjs: 'wasm' },
};

/**
 * `describe(name)` once per backend, made current by selectBackend before the suite's own hooks run.
 * A file's suites run one after another, so a backend stays current for its whole suite.
 */
export function describeOnEveryBackend(name: string, suite: (backend: TrainingBackend) => void): void {
  describe.each(TRAINING_BACKENDS)(`${name} [%s]`, (backend) => {
    useBackend(backend);
    suite(backend);
  });
}

/** Makes `backend` current before the enclosing suite's tests (and its later-registered hooks) run. */
export function useBackend(backend: TrainingBackend): void {
  beforeAll(async () => {
    const info = await selectBackend(backend);
    // Guards against a suite silently running on whatever backend happened to be current.
    expect(info.name).toBe(REPORTED[backend].name);
    expect(tf.getBackend()).toBe(REPORTED[backend].tfjs);
  });
}
