// The tfjs ModelInspector and the process-wide tfjs backend: it keeps a backend another part chose, and sets 'cpu' only when none is.
import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTfjsModelInspector } from '../../src/serving/tfjs-model-inspector';
import { selectBackend } from '../../src/training/backend';
import { denseClassifier, encodeJson, toArtifact, type UploadableArtifact } from './tfjs-artifacts';

// One process per test file (vitest forks), so the backend state below is this file's alone.
const warnings = vi.spyOn(console, 'warn');
afterAll(() => warnings.mockRestore());

let artifact: UploadableArtifact;
beforeAll(async () => {
  artifact = await toArtifact(denseClassifier());
  // Building the artifact made tfjs choose its CPU backend. Removing it and registering a fresh
  // one returns tfjs to a process where no backend has been chosen yet, as in a server at start.
  tf.removeBackend('cpu');
  tf.registerBackend('cpu', () => new MathBackendCPU(), 1);
  warnings.mockClear();
});

const inspectDense = (inspector = createTfjsModelInspector()) => inspector.inspect(encodeJson(artifact.modelJson), artifact.weightFiles);

describe('the tfjs backend the inspector loads models on', () => {
  const inspector = createTfjsModelInspector();

  it('keeps a backend another part of the process chose', async () => {
    await selectBackend('wasm');
    expect((await inspectDense(inspector)).parameterCount).toBe(67);
    expect(tf.getBackend()).toBe('wasm');
  });

  it("sets 'cpu' when no backend has been chosen, without tfjs's install-tfjs-node banner", async () => {
    tf.removeBackend('wasm');
    expect(tf.getBackend()).toBeFalsy();
    expect((await inspectDense(inspector)).outputUnits).toBe(3);
    expect(tf.getBackend()).toBe('cpu');
    expect(warnings.mock.calls.flat().join('\n')).not.toMatch(/tfjs-node/);
  });
});
