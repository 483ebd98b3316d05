// Reads an uploaded TensorFlow.js Layers artifact (model.json + weight files) and checks its manifest against the bytes, before tfjs sees it.
import { UnprocessableError } from '../registry/errors';

/** A 422 whose `errors` member names the offending part of the upload, like the API's validation errors. */
export function artifactProblem(part: string, message: string): UnprocessableError {
  return new UnprocessableError(message, { errors: [{ in: 'body', path: part, message }] });
}

/** An artifactProblem in model.json, the part most checks find at fault. */
export const modelJsonProblem = (message: string): UnprocessableError => artifactProblem('model.json', message);

/** One weight as a `weightsManifest` entry describes it (the fields tfjs reads). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** A Layers artifact whose manifest agrees with its weight bytes. */
export interface LayersArtifact {
  /** The whole parsed model.json, unchanged. */
  modelJson: Record<string, unknown>;
  modelTopology: Record<string, unknown>;
  /** Every weight of every manifest group, in manifest order. */
  weightSpecs: WeightSpec[];
  /** The weight files concatenated in manifest order. */
  weightData: Uint8Array;
}

/** Bytes per stored element; a quantized weight is stored in its quantization dtype. */
const BYTES_PER_ELEMENT: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw modelJsonProblem(`model.json is not valid JSON: ${(cause as Error).message}`);
  }
}

/**
 * Layers topologies come either as the Keras config itself (tfjs `model.save`) or wrapped in
 * `model_config` (Python converter); tfjs reads `class_name` and `className` alike.
 */
function hasLayersConfig(topology: Record<string, unknown>): boolean {
  const config = isObject(topology.model_config) ? topology.model_config : topology;
  return typeof (config.class_name ?? config.className) === 'string' && isObject(config.config);
}

function readTopology(modelJson: Record<string, unknown>): Record<string, unknown> {
  const { format, modelTopology } = modelJson;
  if (format !== undefined && format !== 'layers-model') {
    throw modelJsonProblem(`model.json format is ${JSON.stringify(format)}; only "layers-model" artifacts are accepted`);
  }
  if (!isObject(modelTopology) || !hasLayersConfig(modelTopology)) {
    throw modelJsonProblem('model.json has no Layers modelTopology (a Keras model config with class_name and config)');
  }
  return modelTopology;
}

function readWeightSpec(entry: unknown, where: string): WeightSpec {
  if (!isObject(entry) || typeof entry.name !== 'string' || typeof entry.dtype !== 'string') {
    throw modelJsonProblem(`${where} needs a string name and dtype`);
  }
  const { shape } = entry;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw modelJsonProblem(`${where} (${entry.name}) has a shape that is not a list of non-negative integers`);
  }
  const storedDtype = isObject(entry.quantization) ? entry.quantization.dtype : entry.dtype;
  if (typeof storedDtype !== 'string' || BYTES_PER_ELEMENT[storedDtype] === undefined) {
    throw modelJsonProblem(`${where} (${entry.name}) has unsupported dtype ${JSON.stringify(storedDtype)}`);
  }
  return entry as WeightSpec;
}

/** Byte length a weight occupies in the weight files. */
function storedByteLength(spec: WeightSpec): number {
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  return spec.shape.reduce((n, d) => n * d, 1) * (BYTES_PER_ELEMENT[dtype] ?? 0);
}

interface ManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

function readManifest(modelJson: Record<string, unknown>): ManifestGroup[] {
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest)) {
    throw modelJsonProblem('model.json has no weightsManifest list');
  }
  return manifest.map((group: unknown, g) => {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw modelJsonProblem(`weightsManifest[${g}] needs paths and weights lists`);
    }
    if (!group.paths.every((path) => typeof path === 'string')) {
      throw modelJsonProblem(`weightsManifest[${g}].paths must be strings`);
    }
    const weights = group.weights.map((entry, w) => readWeightSpec(entry, `weightsManifest[${g}].weights[${w}]`));
    return { paths: group.paths as string[], weights };
  });
}

function concatenateWeightFiles(paths: string[], weightFiles: Map<string, Uint8Array>): Uint8Array {
  const seen = new Set<string>();
  for (const path of paths) {
    if (seen.has(path)) throw artifactProblem(path, `weight file ${path} is listed twice in the manifest`);
    seen.add(path);
    if (!weightFiles.has(path)) {
      throw artifactProblem(path, `weight file ${path} named in the manifest was not uploaded`);
    }
  }
  const extra = [...weightFiles.keys()].find((name) => !seen.has(name));
  if (extra !== undefined) throw artifactProblem(extra, `weight file ${extra} is not named in the manifest`);
  const files = paths.map((path) => weightFiles.get(path) as Uint8Array);
  // One file is already the joined weights: no copy (45 MB for a ResNet-18, in a 128 MB Worker).
  if (files.length === 1) return files[0]!;
  const out = new Uint8Array(files.reduce((n, file) => n + file.length, 0));
  let offset = 0;
  for (const file of files) {
    out.set(file, offset);
    offset += file.length;
  }
  return out;
}

/**
 * Parses model.json and joins the weight files it names, checking that every named file is
 * present, nothing else was sent, and the bytes are exactly as long as the weight specs need.
 * Throws UnprocessableError saying what is wrong.
 */
export function readLayersArtifact(modelJsonBytes: Uint8Array, weightFiles: Map<string, Uint8Array>): LayersArtifact {
  const modelJson = parseJson(modelJsonBytes);
  if (!isObject(modelJson)) throw modelJsonProblem('model.json is not a JSON object');
  const modelTopology = readTopology(modelJson);
  const groups = readManifest(modelJson);
  const weightSpecs = groups.flatMap((group) => group.weights);
  const weightData = concatenateWeightFiles(
    groups.flatMap((group) => group.paths),
    weightFiles,
  );
  const expected = weightSpecs.reduce((n, spec) => n + storedByteLength(spec), 0);
  if (weightData.length !== expected) {
    const difference = Math.abs(expected - weightData.length);
    const direction = weightData.length < expected ? 'shorter' : 'longer';
    const sizes = `${weightData.length} sent, ${expected} expected`;
    throw artifactProblem('weights', `weights are ${difference} bytes ${direction} than the manifest says (${sizes})`);
  }
  return { modelJson, modelTopology, weightSpecs, weightData };
}

/** model.json with its manifest rewritten to one group naming `weights.bin`, holding every spec in order. */
export function normalizeModelJson(artifact: LayersArtifact): Uint8Array {
  const weightsManifest = [{ paths: ['weights.bin'], weights: artifact.weightSpecs }];
  return new TextEncoder().encode(JSON.stringify({ ...artifact.modelJson, weightsManifest }));
}
