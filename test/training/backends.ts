// One test suite, run once per tfjs backend the engine trains on (tfjs's practice: the same suite against every backend).

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect } from 'vitest';
import { selectBackend, type BackendName } from '../../src/training/backend';

/** The pure-JS reference backend and the WebAssembly backend production runs on (with the project's kernels). */
export const TRAINING_BACKENDS = ['cpu', 'wasm'] as const satisfies readonly BackendName[];
export type TrainingBackend = (typeof TRAINING_BACKENDS)[number];

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
    await selectBackend(backend);
    // Guards against a suite silently running on whatever backend happened to be current.
    expect(tf.getBackend()).toBe(backend);
  });
}
