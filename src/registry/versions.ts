// Model versions: validated uploads of TensorFlow.js Layers artifacts, stored write-once in the blob
// store with their lineage, plus lookup by number or alias, archive, delete and verified download.
import { NotFoundError, RegistryError, UnprocessableError } from './errors';
import { getModel } from './models';
import type { BlobStore, Clock, InspectedModel, ModelInspector, NewLineageEdge, Page, Repository } from './ports';
import type { BlobRef, JsonObject, LineageRelation, ModelRecord, ModelVersionRecord } from './records';

export interface VersionDeps {
  repo: Repository;
  clock: Clock;
  blobs: BlobStore;
  inspector: ModelInspector;
}

/** A parent as the uploader names it: a model and a version number or alias. */
export interface ParentRef {
  model: string;
  version: number | string;
  relation: LineageRelation;
  weight?: number | null;
  method?: string | null;
  params?: JsonObject;
  runId?: string | null;
  datasetId?: string | null;
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
 * Registers a new version: loads the artifact with tfjs, checks it against the model, resolves the
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
    throw new UnprocessableError(
      `the artifact's input shape ${JSON.stringify(shape)} does not match model "${model.name}" input shape ${JSON.stringify(model.inputShape)}`,
      { field: 'model.json', expected: model.inputShape, actual: shape },
    );
  }
  if (inspected.outputUnits !== model.classLabels.length) {
    throw new UnprocessableError(
      `the artifact has ${inspected.outputUnits} outputs but model "${model.name}" has ${model.classLabels.length} class labels`,
      { field: 'model.json', expected: model.classLabels.length, actual: inspected.outputUnits },
    );
  }
}

/** Turns the declared parents into edges to existing versions; any missing, repeated or self-referencing parent is a 422 naming it. */
async function resolveParents(repo: Repository, child: ModelRecord, parents: ParentRef[]): Promise<NewLineageEdge[]> {
  const edges: NewLineageEdge[] = [];
  const seen = new Set<string>();
  for (const [index, parent] of parents.entries()) {
    const field = `parents.${index}`;
    const parentModel = await repo.getModelByName(parent.model);
    if (!parentModel) throw lineageError(field, `parent model "${parent.model}" does not exist`);
    const version = await findVersion(repo, parentModel, String(parent.version));
    if (!version) {
      // The new version's number is allocated only when it is stored, so a parent naming the model's
      // next number (the version being uploaded) is exactly a missing version: say so plainly.
      const hint = parentModel.id === child.id ? ' (a version cannot be its own parent: only existing versions can be parents)' : '';
      throw lineageError(field, `parent version ${parent.model}/${parent.version} does not exist${hint}`);
    }
    const key = `${version.id}:${parent.relation}`;
    if (seen.has(key)) throw lineageError(field, `parent ${parent.model}/${parent.version} is listed twice as ${parent.relation}`);
    seen.add(key);
    edges.push({
      parentVersionId: version.id,
      relation: parent.relation,
      weight: parent.weight ?? null,
      method: parent.method ?? null,
      params: parent.params ?? {},
      runId: parent.runId ?? null,
      datasetId: parent.datasetId ?? null,
    });
  }
  return edges;
}

function lineageError(field: string, message: string): UnprocessableError {
  return new UnprocessableError(message, { errors: [{ in: 'metadata', path: field, message }] });
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
  if (leftBehind.length > 0 && error instanceof RegistryError) error.details.orphanedBlobs = leftBehind;
  return error;
}

/** The reserved ref naming the newest active version, as in MLflow's `models:/name/latest`. */
export const LATEST = 'latest';

/** A version by number (`3`), alias (`production`) or `latest` (newest active), or null. */
export async function findVersion(repo: Repository, model: ModelRecord, ref: string): Promise<ModelVersionRecord | null> {
  if (/^\d+$/.test(ref)) return repo.getVersion(model.id, Number(ref));
  if (ref === LATEST) {
    const { items } = await repo.listVersions(model.id, { includeArchived: false }, { limit: 1, offset: 0 });
    return items[0] ?? null;
  }
  const alias = await repo.getAlias(model.id, ref);
  if (!alias) return null;
  const [version] = await repo.getVersionsByIds([alias.versionId]);
  return version ?? null;
}

/** The model and its version `ref` (number or alias); NotFoundError naming whichever is missing. */
export async function getVersion(repo: Repository, modelName: string, ref: string): Promise<{ model: ModelRecord; version: ModelVersionRecord }> {
  const model = await getModel(repo, modelName);
  const version = await findVersion(repo, model, ref);
  if (!version) throw new NotFoundError(`model "${modelName}" has no version or alias "${ref}"`, { model: modelName, version: ref });
  return { model, version };
}

export async function listVersions(
  repo: Repository,
  modelName: string,
  options: { includeArchived: boolean; page: Page },
): Promise<{ items: ModelVersionRecord[]; total: number }> {
  const model = await getModel(repo, modelName);
  return repo.listVersions(model.id, { includeArchived: options.includeArchived }, options.page);
}

export async function updateVersion(
  deps: { repo: Repository; clock: Clock },
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
export async function deleteVersion(deps: { repo: Repository; blobs: BlobStore }, modelName: string, ref: string): Promise<void> {
  const { version } = await getVersion(deps.repo, modelName, ref);
  await deps.repo.deleteVersion(version.id);
  await Promise.all([deps.blobs.delete(version.modelJson.key), deps.blobs.delete(version.weights.key)]);
}

/** A verified stream of one artifact file, with the size and sha256 it must have. */
export async function openArtifactFile(
  deps: { repo: Repository; blobs: BlobStore },
  modelName: string,
  ref: string,
  file: ArtifactFile,
): Promise<{ ref: BlobRef; stream: ReadableStream<Uint8Array> }> {
  const { version } = await getVersion(deps.repo, modelName, ref);
  const blob = file === 'model.json' ? version.modelJson : version.weights;
  return { ref: blob, stream: await deps.blobs.getStream(blob) };
}
