// An inference worker thread: starts the engine's backend once, holds the models the predictor loads into it,
// and runs one batch at a time through every member of its target, combining their outputs.
import * as tf from '@tensorflow/tfjs';
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from '../training/backend';
import { deserializeModel, type LayersModelJson } from '../training/checkpoint';
import { combineMemberLogits, type CombinedProbabilities } from '../training/ensemble-combination';
import { asLogits, endsInSoftmax } from '../training/model-outputs';
import { decodeImageInto, imageGeometry, normalizeInPlace } from './images';
import {
  workerErrorOf,
  type BatchMember,
  type BatchResult,
  type FromInferenceWorker,
  type InferenceWorkerData,
  type PartOutcome,
  type ToInferenceWorker,
  type WorkerBatch,
} from './inference-messages';
import { InferenceFailedError } from './errors';

const port = parentPort;
if (!port) throw new Error('src/serving/inference-worker.ts runs only as a worker thread');

const post = (message: FromInferenceWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

interface LoadedModel {
  model: tf.LayersModel;
  /**
   * The model ends in a softmax (common in uploaded Keras models): its outputs are probabilities, whose logs
   * are logits with the same softmax, so every aggregation treats it like a model that outputs logits.
   */
  outputsProbabilities: boolean;
}

const models = new Map<string, LoadedModel>();

/** Loads a model from its artifact bytes and runs one zero row through it, so the first request pays no kernel setup. */
async function load(versionId: string, modelJsonBytes: Uint8Array, weights: Uint8Array): Promise<void> {
  const modelJson = JSON.parse(new TextDecoder().decode(modelJsonBytes)) as LayersModelJson;
  const model = await deserializeModel({ modelJson, weights });
  try {
    const shape = model.inputs[0]!.shape.map((d) => d ?? 1);
    const warmup = tf.tidy(() => model.predict(tf.zeros([1, ...shape.slice(1)])) as tf.Tensor);
    await warmup.data();
    warmup.dispose();
  } catch (error) {
    model.dispose(); // nothing keeps a model that failed its warm-up: the next request loads it again
    throw error;
  }
  models.get(versionId)?.model.dispose();
  models.set(versionId, { model, outputsProbabilities: endsInSoftmax(model) });
}

function unload(versionId: string): void {
  models.get(versionId)?.model.dispose();
  models.delete(versionId);
}

/** The batch's rows before per-member normalisation, with the ranges (in values) that came from images. */
interface AssembledInput {
  values: Float32Array;
  rows: number;
  imageRanges: [number, number][];
  outcomes: PartOutcome[];
}

/** Puts every part's rows in one array; a part whose image does not decode fails alone and adds no rows. */
function assemble(batch: WorkerBatch, rowSize: number): AssembledInput {
  const outcomes: PartOutcome[] = [];
  if (batch.parts.every((part) => part.kind === 'tensor')) {
    return { values: batch.tensorValues, rows: batch.tensorValues.length / rowSize, imageRanges: [], outcomes: batch.parts.map(() => ({ ok: true })) };
  }
  const geometry = imageGeometry(batch.inputShape);
  const capacity = batch.parts.reduce((n, part) => n + (part.kind === 'tensor' ? part.rows : part.images.length), 0);
  const values = new Float32Array(capacity * rowSize);
  const imageRanges: [number, number][] = [];
  let rows = 0;
  let tensorRow = 0;
  for (const part of batch.parts) {
    if (part.kind === 'tensor') {
      values.set(batch.tensorValues.subarray(tensorRow * rowSize, (tensorRow + part.rows) * rowSize), rows * rowSize);
      tensorRow += part.rows;
      rows += part.rows;
      outcomes.push({ ok: true });
      continue;
    }
    try {
      part.images.forEach((image, i) => decodeImageInto(image, geometry, values, (rows + i) * rowSize));
      imageRanges.push([rows * rowSize, (rows + part.images.length) * rowSize]);
      rows += part.images.length;
      outcomes.push({ ok: true });
    } catch (error) {
      outcomes.push({ ok: false, error: workerErrorOf(error) });
    }
  }
  return { values: values.subarray(0, rows * rowSize), rows, imageRanges, outcomes };
}

/** The input a member sees: image rows normalised its way (members sharing a normalisation share the array). */
function memberInputs(input: AssembledInput, members: BatchMember[], channels: number): Float32Array[] {
  if (input.imageRanges.length === 0) return members.map(() => input.values);
  const byNormalization = new Map<string, Float32Array>();
  return members.map(({ normalization }) => {
    const key = JSON.stringify(normalization);
    let values = byNormalization.get(key);
    if (!values) {
      values = input.values.slice();
      for (const [start, end] of input.imageRanges) normalizeInPlace(values, start, end, channels, normalization);
      byNormalization.set(key, values);
    }
    return values;
  });
}

async function logitsOf(member: BatchMember, values: Float32Array, rows: number, batch: WorkerBatch): Promise<Float32Array> {
  const loaded = models.get(member.versionId);
  if (!loaded) throw new InferenceFailedError(`version ${member.versionId} is not loaded in this worker`);
  const output = tf.tidy(() => loaded.model.predict(tf.tensor(values, [rows, ...batch.inputShape])) as tf.Tensor);
  try {
    if (output.shape.length !== 2 || output.shape[1] !== batch.classes) {
      throw new InferenceFailedError(`version ${member.versionId} outputs shape [${output.shape.join(', ')}], not [rows, ${batch.classes}] class scores`);
    }
    const data = (await output.data()) as Float32Array;
    return asLogits(data, loaded.outputsProbabilities);
  } finally {
    output.dispose();
  }
}

async function run(batch: WorkerBatch): Promise<{ result: BatchResult; transfer: ArrayBuffer[] }> {
  const started = performance.now();
  const rowSize = batch.inputShape.reduce((n, d) => n * d, 1);
  const input = assemble(batch, rowSize);
  const channels = batch.inputShape.length === 3 ? batch.inputShape[2]! : 1;
  let combined: CombinedProbabilities = { probabilities: new Float32Array(0), memberProbabilities: batch.members.map(() => new Float32Array(0)) };
  if (input.rows > 0) {
    const inputs = memberInputs(input, batch.members, channels);
    const logits: Float32Array[] = [];
    for (const [m, member] of batch.members.entries()) logits.push(await logitsOf(member, inputs[m]!, input.rows, batch));
    const weights = batch.members.map((member) => member.weight);
    combined = combineMemberLogits(logits, weights, batch.aggregation, batch.classes);
  }
  const result: BatchResult = { outcomes: input.outcomes, ...combined, computeSeconds: (performance.now() - started) / 1000 };
  const transfer = [combined.probabilities, ...combined.memberProbabilities].map((array) => array.buffer as ArrayBuffer);
  return { result, transfer: [...new Set(transfer)] };
}

port.on('message', (message: ToInferenceWorker) => {
  switch (message.type) {
    case 'load':
      load(message.versionId, message.modelJson, message.weights).then(
        () => post({ type: 'done', id: message.id }),
        (error: unknown) => post({ type: 'failed', id: message.id, error: workerErrorOf(error) }),
      );
      return;
    case 'unload':
      unload(message.versionId);
      return;
    case 'run':
      run(message.batch).then(
        ({ result, transfer }) => post({ type: 'done', id: message.id, result }, transfer),
        (error: unknown) => post({ type: 'failed', id: message.id, error: workerErrorOf(error) }),
      );
      return;
  }
});

const { backend, threads } = workerData as InferenceWorkerData;
selectBackend(backend, { threads }).then(
  (info) => post({ type: 'ready', backend: info }),
  (error: unknown) => post({ type: 'startup-failed', error: workerErrorOf(error) }),
);
