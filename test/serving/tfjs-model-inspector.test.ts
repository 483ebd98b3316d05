// The tfjs ModelInspector against real small models saved into memory, valid and broken.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../src/registry/errors';
import { readLayersArtifact } from '../../src/serving/layers-artifact';
import { describeLayersArtifact } from '../../src/serving/manifest-model-inspector';
import { createTfjsModelInspector, describeWithTfjs, InspectorDisagreementError, requireAgreement } from '../../src/serving/tfjs-model-inspector';
import { denseClassifier, encodeJson, smallConvNet, toArtifact, twoHeadedModel, type UploadableArtifact } from './tfjs-artifacts';

const inspector = createTfjsModelInspector();
const inspect = (artifact: UploadableArtifact) => inspector.inspect(encodeJson(artifact.modelJson), artifact.weightFiles);

/** Expects a 422 whose message matches and whose `errors` member names `part` of the upload. */
async function expectUnprocessable(promise: Promise<unknown>, message: RegExp, part = 'model.json'): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnprocessableError);
  expect((error as Error).message).toMatch(message);
  expect((error as UnprocessableError).details.errors).toEqual([{ in: 'body', path: part, message: (error as Error).message }]);
}

const joined = (files: Map<string, Uint8Array>) => new Uint8Array(Buffer.concat([...files.values()]));

function manifestWeights(artifact: UploadableArtifact): tf.io.WeightsManifestEntry[] {
  const [group] = artifact.modelJson.weightsManifest as tf.io.WeightsManifestConfig;
  return group!.weights;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('valid artifacts', () => {
  it('reports shape, units and trainable parameters of a dense classifier', async () => {
    const inspected = await inspect(await toArtifact(denseClassifier()));
    expect(inspected.inputShape).toEqual([4]);
    expect(inspected.outputUnits).toBe(3);
    expect(inspected.parameterCount).toBe(67);
  });

  it('joins a two-shard conv net into one weights.bin and counts only trainable weights', async () => {
    const artifact = await toArtifact(smallConvNet(), 2);
    expect(artifact.weightFiles.size).toBe(2);
    const inspected = await inspect(artifact);
    expect(inspected.inputShape).toEqual([8, 8, 1]);
    expect(inspected.outputUnits).toBe(10);
    expect(inspected.parameterCount).toBe(40 + 8 + 1450);
    expect(inspected.weights).toEqual(joined(artifact.weightFiles));
  });

  it('sizes quantized weights by their stored dtype (one byte per uint8 value)', async () => {
    const artifact = await toArtifact(denseClassifier());
    const weights = manifestWeights(artifact);
    for (const spec of weights) spec.quantization = { dtype: 'uint8', scale: 0.01, min: -1 };
    artifact.weightFiles = new Map([['group1-shard1of1.bin', new Uint8Array(67).fill(100)]]);
    const inspected = await inspect(artifact);
    expect(inspected.parameterCount).toBe(67);
    expect(inspected.weights.length).toBe(67);
  });

  it('rewrites the manifest to one weights.bin group that loads back to the same predictions', async () => {
    const original = smallConvNet();
    const artifact = await toArtifact(original, 2);
    const inspected = await inspect(artifact);
    const normalized = JSON.parse(new TextDecoder().decode(inspected.normalizedModelJson));
    expect(normalized.weightsManifest).toEqual([{ paths: ['weights.bin'], weights: manifestWeights(artifact) }]);
    expect(normalized.modelTopology).toEqual(artifact.modelJson.modelTopology);

    const reloaded = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: normalized.modelTopology,
        weightSpecs: normalized.weightsManifest[0].weights,
        weightData: inspected.weights.slice().buffer,
      }),
    );
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 7);
    const expected = (original.predict(x) as tf.Tensor).arraySync();
    expect((reloaded.predict(x) as tf.Tensor).arraySync()).toEqual(expected);
    x.dispose();
    original.dispose();
    reloaded.dispose();
  });
});

describe('broken artifacts are refused with a reason', () => {
  it('refuses model.json that is not JSON', async () => {
    await expectUnprocessable(inspector.inspect(new TextEncoder().encode('{"format": "layers-model",'), new Map()), /model\.json is not valid JSON: /);
  });

  it('refuses a model.json without a weights manifest', async () => {
    const artifact = await toArtifact(denseClassifier());
    delete artifact.modelJson.weightsManifest;
    await expectUnprocessable(inspect(artifact), /no weightsManifest/);
  });

  it('refuses graph models', async () => {
    const artifact = await toArtifact(denseClassifier());
    artifact.modelJson.format = 'graph-model';
    await expectUnprocessable(inspect(artifact), /"graph-model"/);
  });

  it('names a weight file the manifest lists but the upload lacks', async () => {
    const artifact = await toArtifact(denseClassifier(), 2);
    artifact.weightFiles.delete('group1-shard2of2.bin');
    await expectUnprocessable(inspect(artifact), /group1-shard2of2\.bin named in the manifest was not uploaded/, 'group1-shard2of2.bin');
  });

  it('refuses files the manifest does not name', async () => {
    const artifact = await toArtifact(denseClassifier());
    artifact.weightFiles.set('stray.bin', new Uint8Array(4));
    await expectUnprocessable(inspect(artifact), /stray\.bin is not named in the manifest/, 'stray.bin');
  });

  it('refuses weights shorter than the manifest says', async () => {
    const artifact = await toArtifact(denseClassifier());
    const [path, bytes] = [...artifact.weightFiles][0]!;
    artifact.weightFiles.set(path, bytes.slice(0, bytes.length - 4));
    await expectUnprocessable(inspect(artifact), /weights are 4 bytes shorter than the manifest says/, 'weights');
  });

  it('refuses weights longer than the manifest says', async () => {
    const artifact = await toArtifact(denseClassifier());
    const [path, bytes] = [...artifact.weightFiles][0]!;
    artifact.weightFiles.set(path, new Uint8Array([...bytes, 1, 2, 3]));
    await expectUnprocessable(inspect(artifact), /weights are 3 bytes longer than the manifest says/, 'weights');
  });

  it('refuses a layer class the manifest inspector cannot verify, before tfjs sees it', async () => {
    const artifact = await toArtifact(denseClassifier());
    const topology = artifact.modelJson.modelTopology as { config: { layers: { class_name: string }[] } };
    topology.config.layers[1]!.class_name = 'NoSuchLayer';
    await expectUnprocessable(inspect(artifact), /\(NoSuchLayer\): the registry cannot verify layers of class NoSuchLayer/);
  });

  it('names the weight a layer needs when the manifest calls it otherwise', async () => {
    const artifact = await toArtifact(denseClassifier());
    const [first] = manifestWeights(artifact);
    const needed = first!.name;
    first!.name = 'elsewhere/kernel';
    await expectUnprocessable(inspect(artifact), new RegExp(`the manifest has no weight ${needed}; layer "${needed.split('/')[0]}" \\(Dense\\) needs \\[4,8\\]`));
  });

  it('refuses models with more than one output', async () => {
    await expectUnprocessable(inspect(await toArtifact(twoHeadedModel())), /2 outputs; exactly one is supported/);
  });
});

describe('the manifest inspector and tfjs must agree', () => {
  const read = (artifact: UploadableArtifact) => readLayersArtifact(encodeJson(artifact.modelJson), artifact.weightFiles);

  it('takes a difference in what they found for a bug: a 500 naming the fields, not a 422', async () => {
    const dense = read(await toArtifact(denseClassifier()));
    const conv = read(await toArtifact(smallConvNet()));
    let error: unknown;
    try {
      requireAgreement(describeLayersArtifact(dense), await describeWithTfjs(conv));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InspectorDisagreementError);
    expect((error as InspectorDisagreementError).status).toBe(500);
    expect((error as Error).message).toBe(
      'the manifest inspector and tfjs disagree about the artifact (manifest vs tfjs): inputShape [4] vs [8,8,1], outputUnits 3 vs 10, parameterCount 67 vs 1498',
    );
  });

  it('takes tfjs refusing what the manifest inspector accepted for a bug too', async () => {
    const artifact = await toArtifact(denseClassifier());
    const refused = await describeWithTfjs(read({ ...artifact, modelJson: { ...artifact.modelJson, modelTopology: { class_name: 'Sequential', config: { layers: [] } } } }));
    expect(refused).toMatch(/^TensorFlow\.js cannot load the model: /);
    expect(() => requireAgreement(describeLayersArtifact(read(artifact)), refused)).toThrow(InspectorDisagreementError);
  });
});
