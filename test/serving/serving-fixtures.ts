// Test support for the serving layer: real tfjs models from the engine's catalogue, stored in a real local-folder
// blob store, and the serving targets that name them.
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalFolderBlobStore } from '../../src/registry/adapters/blob/local-folder-blob-store';
import type { BlobStore, InputNormalization, ServingMember, ServingTarget } from '../../src/registry/ports';
import type { EnsembleAggregation } from '../../src/registry/records';
import { buildModel, type Architecture } from '../../src/training';
import { serializeModel } from '../../src/training/checkpoint';
import { encodeJson } from './tfjs-artifacts';

export const REFERENCE_NORMALIZATION: InputNormalization = { mean: [0.5], std: [0.5] };

export interface TempBlobStore {
  blobs: BlobStore;
  remove(): Promise<void>;
}

export async function tempBlobStore(): Promise<TempBlobStore> {
  const root = await mkdtemp(join(tmpdir(), 'distillery-serving-'));
  return { blobs: createLocalFolderBlobStore({ root }), remove: () => rm(root, { recursive: true, force: true }) };
}

/** A stored model: the member a target names, and the tfjs model itself (on this thread) to compute expectations with. */
export interface StoredModel {
  member: ServingMember;
  model: tf.LayersModel;
  /** Bytes it counts for in the cache: model.json + weights. */
  bytes: number;
}

export interface ModelSpec {
  versionId: string;
  architecture?: Architecture;
  inputShape: [number, number, number];
  classes: number;
  seed: number;
  normalization?: InputNormalization;
}

/** Builds a model from the catalogue (logits out) and stores its artifact files as a registered version's. */
export function storeModel(blobs: BlobStore, spec: ModelSpec): Promise<StoredModel> {
  const model = buildModel(spec.architecture ?? 'mlp', { inputShape: spec.inputShape, numClasses: spec.classes, seed: spec.seed });
  return storeLayersModel(blobs, spec.versionId, model, spec.normalization);
}

/** Stores any tfjs Layers model's artifact files as version `versionId`'s. */
export async function storeLayersModel(
  blobs: BlobStore,
  versionId: string,
  model: tf.LayersModel,
  normalization: InputNormalization = REFERENCE_NORMALIZATION,
): Promise<StoredModel> {
  const { modelJson, weights } = await serializeModel(model);
  const modelJsonRef = await blobs.put(`versions/${versionId}/model.json`, encodeJson(modelJson));
  const weightsRef = await blobs.put(`versions/${versionId}/weights.bin`, weights);
  const member: ServingMember = {
    versionId,
    model: `model-${versionId}`,
    version: 1,
    weight: 1,
    modelJson: modelJsonRef,
    weights: weightsRef,
    normalization,
  };
  return { member, model, bytes: modelJsonRef.size + weightsRef.size };
}

const labels = (classes: number) => Array.from({ length: classes }, (_, c) => `class-${c}`);

/** A single version as resolveServingTarget makes it; `name` is what batching overrides and metrics go by. */
export function versionTarget(stored: StoredModel, name: string = stored.member.model): ServingTarget {
  const inputShape = stored.model.inputs[0]!.shape.slice(1) as number[];
  const classes = stored.model.outputs[0]!.shape[1] as number;
  return {
    key: `version:${stored.member.versionId}`,
    kind: 'version',
    name,
    version: stored.member.version,
    inputShape,
    classLabels: labels(classes),
    aggregation: 'mean-probabilities',
    members: [{ ...stored.member, weight: 1 }],
  };
}

/** An ensemble of stored models with weights normalised to sum 1. */
export function ensembleTarget(name: string, members: { stored: StoredModel; weight: number }[], aggregation: EnsembleAggregation): ServingTarget {
  const total = members.reduce((n, { weight }) => n + weight, 0);
  const first = versionTarget(members[0]!.stored);
  return {
    ...first,
    key: `ensemble:${name}:1`,
    kind: 'ensemble',
    name,
    aggregation,
    members: members.map(({ stored, weight }) => ({ ...stored.member, weight: weight / total })),
  };
}

/** Deterministic distinct rows: row r, value i = a smooth function of (seed, r, i). */
export function distinctRows(rows: number, rowSize: number, seed: number): Float32Array {
  return Float32Array.from({ length: rows * rowSize }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233 + Math.floor(i / rowSize) * 3.7));
}

/** The model's own logits for rows, computed with tfjs on this thread. */
export function logitsOf(stored: StoredModel, values: Float32Array, rows: number): Float32Array {
  const inputShape = stored.model.inputs[0]!.shape.slice(1) as number[];
  return tf.tidy(() => (stored.model.predict(tf.tensor(values, [rows, ...inputShape])) as tf.Tensor).dataSync() as Float32Array);
}

/** The value of one series in a Prometheus text exposition (0 when absent). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-z_]+)(?:\{(.*)\})? (.+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = match[2] ? match[2].split(',') : [];
    if (present.length === wanted.length && wanted.every((pair) => present.includes(pair))) return Number(match[3]);
  }
  return 0;
}
