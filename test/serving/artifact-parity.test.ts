// Every artifact fixture through both inspectors (tensor-free for Workers, tfjs-backed for Node): the same answer, and the one the table expects.
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DistilleryError } from '../../src/errors';
import type { ModelInspector } from '../../src/registry/ports';
import { readLayersArtifact } from '../../src/serving/layers-artifact';
import { createManifestModelInspector } from '../../src/serving/manifest-model-inspector';
import { createTfjsModelInspector, describeWithTfjs } from '../../src/serving/tfjs-model-inspector';
import { ARTIFACT_FIXTURES, type ArtifactFiles } from '../support/artifact-fixtures';

// Digests, because comparing 45 MB of weights element by element takes the matcher minutes.
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** An inspector's answer in comparable form: what it found, or the error's class, type, status, message and details. */
async function answer(inspector: ModelInspector, files: ArtifactFiles): Promise<Record<string, unknown>> {
  try {
    const inspected = await inspector.inspect(files.modelJson, files.weightFiles);
    return { ...inspected, normalizedModelJson: sha256(inspected.normalizedModelJson), weights: sha256(inspected.weights) };
  } catch (error) {
    if (!(error instanceof DistilleryError)) throw error;
    return { error: error.name, type: error.type, status: error.status, message: error.message, details: error.details };
  }
}

const inspectors = { workers: createManifestModelInspector(), node: createTfjsModelInspector() };

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

describe.each(ARTIFACT_FIXTURES)('$name', (fixture) => {
  it('gets the same answer from both inspectors, the one the table expects', { timeout: 120_000 }, async () => {
    const files = await fixture.files();
    const workers = await answer(inspectors.workers, files);
    const node = await answer(inspectors.node, files);
    expect(node).toEqual(workers);
    if ('accepted' in fixture.outcome) {
      expect(workers).toMatchObject(fixture.outcome.accepted);
      expect(workers.weights).toBe(sha256(Buffer.concat([...files.weightFiles.values()])));
    } else {
      const { status, type, message, part } = fixture.outcome.refused;
      expect(workers).toMatchObject({ error: 'UnprocessableError', status, type });
      expect(workers.message).toMatch(message);
      expect(workers.details).toEqual({ errors: [{ in: 'body', path: part, message: workers.message }] });
    }
  });

  if ('accepted' in fixture.outcome || fixture.outcome.tfjsAlone !== undefined) {
    const tfjsAlone = 'accepted' in fixture.outcome ? 'accepts' : fixture.outcome.tfjsAlone;
    it(`is ${tfjsAlone === 'accepts' ? 'accepted' : 'refused'} by tfjs alone too`, { timeout: 120_000 }, async () => {
      const files = await fixture.files();
      const description = await describeWithTfjs(readLayersArtifact(files.modelJson, files.weightFiles));
      if ('accepted' in fixture.outcome) expect(description).toEqual(fixture.outcome.accepted);
      else if (tfjsAlone === 'accepts') expect(description).toBeTypeOf('object');
      else expect(description).toBeTypeOf('string');
    });
  }
});
