// Model versions: validated uploads of TensorFlow.js Layers artifacts, stored write-once in the blob
// store with their lineage, plus lookup by number or alias, archive, delete, and the record a download is served from.
import { DistilleryError } from '../errors';
import { UnprocessableError } from './errors';
import { getModel } from './models';
import type { BlobStore, Clock, InspectedModel, ModelInspector, ModelStore, Page } from './ports';
import type { BlobRef, JsonObject, ModelRecord, ModelVersionRecord } from './records';
import { resolveParents, type ParentRef } from './version-parents';
import { getVersion } from './version-refs';

export interface VersionDeps {
  repo: ModelStore;
  clock: Clock;
  blobs: BlobStore;
  inspector: ModelInspector;
}

export interface VersionUpload {
  modelJson: Uint8Array;
  /** Each weight file by the path the manifest gives it. */
  weightFiles: Map<string, Uint8Array>;
  description?: string;
  params?: JsonObject;
  metrics?: Record<string, number>;
  tags?: Record<string, string>;
  parents?: ParentRef[];
  sourceRunId?: string | null;
}

export type ArtifactFile = 'model.json' | 'weights.bin';

/**
 * Registers a new version: inspects the artifact (deps.inspector), checks it against the model, resolves the
 * parents, and only then writes the blobs and the row (removing the blobs if the row fails).
 */
export async function uploadVersion(deps: VersionDeps, modelName: string, upload: VersionUpload): Promise<ModelVersionRecord> {
  const model = await getModel(deps.repo, modelName);
  const inspected = await deps.inspector.inspect(upload.modelJson, upload.weightFiles);
  assertFitsModel(model, inspected);
  const parents = await resolveParents(deps.repo, model, upload.parents ?? []);
  const id = crypto.randomUUID();
  const written = await writeArtifact(deps.blobs, `models/${model.id}/${id}/`, inspected);
  try {
    return await deps.repo.createVersion({
      id,
      modelId: model.id,
      description: upload.description ?? '',
      modelJson: written.modelJson,
      weights: written.weights,
      params: upload.params ?? {},
      metrics: upload.metrics ?? {},
      tags: upload.tags ?? {},
      sourceRunId: upload.sourceRunId ?? null,
      createdAt: deps.clock.now().toISOString(),
      parents,
    });
  } catch (error) {
    throw await withBlobsRemoved(deps.blobs, [written.modelJson.key, written.weights.key], error);
  }
}

/** The artifact must take the model's input (free and batch dimensions aside) and give one output per class. */
function assertFitsModel(model: ModelRecord, inspected: InspectedModel): void {
  const shape = inspected.inputShape;
  const fits = shape.length === model.inputShape.length && shape.every((dim, i) => dim === null || dim === model.inputShape[i]);
  if (!fits) {
    const message = `the artifact's input shape ${JSON.stringify(shape)} does not match model "${model.name}" input shape ${JSON.stringify(model.inputShape)}`;
    throw new UnprocessableError(message, { errors: [modelJsonError(message)], expected: model.inputShape, actual: shape });
  }
  if (inspected.outputUnits !== model.classLabels.length) {
    const message = `the artifact has ${inspected.outputUnits} outputs but model "${model.name}" has ${model.classLabels.length} class labels`;
    throw new UnprocessableError(message, { errors: [modelJsonError(message)], expected: model.classLabels.length, actual: inspected.outputUnits });
  }
}

function modelJsonError(message: string) {
  return { in: 'multipart', path: 'model.json', message };
}

async function writeArtifact(blobs: BlobStore, prefix: string, inspected: InspectedModel): Promise<{ modelJson: BlobRef; weights: BlobRef }> {
  const modelJson = await blobs.put(`${prefix}model.json`, inspected.normalizedModelJson, { contentType: 'application/json' });
  try {
    const weights = await blobs.put(`${prefix}weights.bin`, inspected.weights, { contentType: 'application/octet-stream' });
    return { modelJson, weights };
  } catch (error) {
    throw await withBlobsRemoved(blobs, [modelJson.key], error);
  }
}

/** Deletes blobs a failed write left behind and returns the original error; a failed clean-up is reported on it, not hidden. */
async function withBlobsRemoved(blobs: BlobStore, keys: string[], error: unknown): Promise<unknown> {
  const results = await Promise.allSettled(keys.map((key) => blobs.delete(key)));
  const leftBehind = keys.filter((_, i) => results[i]?.status === 'rejected');
  if (leftBehind.length > 0 && error instanceof DistilleryError) error.details.orphanedBlobs = leftBehind;
  return error;
}

export async function listVersions(
  repo: ModelStore,
  modelName: string,
  options: { includeArchived: boolean; page: Page },
): Promise<{ items: ModelVersionRecord[]; total: number }> {
  const model = await getModel(repo, modelName);
  return repo.listVersions(model.id, { includeArchived: options.includeArchived }, options.page);
}

export async function updateVersion(
  deps: { repo: ModelStore; clock: Clock },
  modelName: string,
  ref: string,
  patch: { description?: string; tags?: Record<string, string>; archived?: boolean },
): Promise<ModelVersionRecord> {
  const { version } = await getVersion(deps.repo, modelName, ref);
  const { archived, ...rest } = patch;
  const status = archived === undefined ? undefined : archived ? 'archived' : 'active';
  return deps.repo.updateVersion(version.id, { ...rest, ...(status && { status }) }, deps.clock.now().toISOString());
}

/** Deletes a version without descendants (ConflictError otherwise), then its blobs. */
export async function deleteVersion(deps: { repo: ModelStore; blobs: BlobStore }, modelName: string, ref: string): Promise<void> {
  const { version } = await getVersion(deps.repo, modelName, ref);
  await deps.repo.deleteVersion(version.id);
  await Promise.all([deps.blobs.delete(version.modelJson.key), deps.blobs.delete(version.weights.key)]);
}

/**
 * The recorded blob (key, size, sha256) of one artifact file, without opening it: a HEAD answers
 * from it, a GET streams it verified with `blobs.getStream(ref)`.
 */
export async function findArtifactFile(repo: ModelStore, modelName: string, ref: string, file: ArtifactFile): Promise<BlobRef> {
  const { version } = await getVersion(repo, modelName, ref);
  return file === 'model.json' ? version.modelJson : version.weights;
}
