// Datasets: register uploaded or built-in datasets (parsed and checked before anything is stored), look them up, and find their files' records.
import { datasetProblem, decompressDatasetFiles, readDatasetContents } from './dataset-files';
import { NotFoundError } from './errors';
import { assertValidName } from './names';
import type { BlobStore, BuiltinDatasetSource, Clock, DatasetStore, Page } from './ports';
import type { DatasetFileRecord, DatasetFormat, DatasetRecord } from './records';

export interface DatasetDeps {
  repo: DatasetStore;
  blobs: BlobStore;
  clock: Clock;
}

/** What registering an upload also needs: the server's upload limit, which bounds decompressed files too. */
export interface DatasetUploadDeps extends DatasetDeps {
  limits: { uploadBytes: number };
}

export interface DatasetUpload {
  name: string;
  description?: string;
  format: DatasetFormat;
  /** Index i names class i; by default CIFAR-10's names, or the digits '0', '1'… for IDX. */
  classLabels?: string[];
  /** File bytes by role: IDX `train-images`, `train-labels`, `test-images`, `test-labels`; CIFAR-10 `train` or `train-1`…`train-5`, and `test`. */
  files: Record<string, Uint8Array>;
}

interface NewDatasetContent extends DatasetUpload {
  description: string;
  /** `upload` or `builtin:<name>`. */
  source: string;
}

/** Stores the files under `datasets/{name}/{id}/{role}`; on any failure removes what it stored and rethrows. */
async function storeFiles(blobs: BlobStore, prefix: string, roles: string[], files: Record<string, Uint8Array>): Promise<DatasetFileRecord[]> {
  const stored: DatasetFileRecord[] = [];
  try {
    for (const role of roles) {
      const ref = await blobs.put(`${prefix}/${role}`, files[role] as Uint8Array, { contentType: 'application/octet-stream' });
      stored.push({ role, ...ref });
    }
    return stored;
  } catch (error) {
    await deleteFiles(blobs, stored);
    throw error;
  }
}

async function deleteFiles(blobs: BlobStore, files: DatasetFileRecord[]): Promise<void> {
  await Promise.all(files.map((file) => blobs.delete(file.key)));
}

/** Registers checked content; its name has been checked by the caller, which knows where the request carried it. */
async function registerDataset(deps: DatasetDeps, content: NewDatasetContent): Promise<DatasetRecord> {
  const { roles, shape, classLabels, splits } = readDatasetContents(content.format, content.files, content.classLabels);
  const id = crypto.randomUUID();
  const files = await storeFiles(deps.blobs, `datasets/${content.name}/${id}`, roles, content.files);
  try {
    return await deps.repo.createDataset({
      id,
      name: content.name,
      format: content.format,
      source: content.source,
      description: content.description,
      shape,
      classLabels,
      splits,
      files,
      createdAt: deps.clock.now().toISOString(),
    });
  } catch (error) {
    await deleteFiles(deps.blobs, files);
    throw error;
  }
}

/**
 * Registers a new version of dataset `name` from uploaded files. Gzip-compressed files are
 * decompressed (within `deps.limits.uploadBytes` for all files) and stored decompressed. Every
 * file is parsed and the files are checked against each other first: anything malformed throws
 * UnprocessableError naming the file, and nothing is stored.
 * @example await registerUploadedDataset(deps, { name: 'digits', format: 'idx', files: { 'train-images': a, 'train-labels': b } })
 */
export async function registerUploadedDataset(deps: DatasetUploadDeps, upload: DatasetUpload): Promise<DatasetRecord> {
  assertValidName('name', upload.name, 'multipart');
  const files = await decompressDatasetFiles(upload.files, deps.limits.uploadBytes);
  return registerDataset(deps, { ...upload, files, description: upload.description ?? '', source: 'upload' });
}

/**
 * Registers a dataset shipped with the server (`mnist`, `fashion-mnist`), stored in the same
 * format as uploads, under `options.name` (default: the built-in's name).
 */
export async function registerBuiltinDataset(
  deps: DatasetDeps & { builtinDatasets: BuiltinDatasetSource | null },
  builtin: string,
  options: { name?: string } = {},
): Promise<DatasetRecord> {
  const source = deps.builtinDatasets;
  if (source === null) {
    throw datasetProblem('builtin', 'this server has no built-in datasets (they ship with the Node server only)', 'body');
  }
  if (!source.names().includes(builtin)) {
    throw new NotFoundError(`no built-in dataset "${builtin}"; available: ${source.names().join(', ')}`, { builtin });
  }
  const name = options.name ?? builtin;
  assertValidName('name', name);
  const loaded = await source.load(builtin);
  return registerDataset(deps, { ...loaded, name, source: `builtin:${builtin}` });
}

/** Version `version` of dataset `name`, or its latest version when `version` is omitted; NotFoundError if absent. */
export async function getDataset(repo: DatasetStore, name: string, version?: number): Promise<DatasetRecord> {
  const found = version === undefined ? await repo.getLatestDataset(name) : await repo.getDataset(name, version);
  if (found === null) {
    throw new NotFoundError(version === undefined ? `no dataset "${name}"` : `dataset "${name}" has no version ${version}`);
  }
  return found;
}

export function listDatasets(repo: DatasetStore, page: Page): Promise<{ items: DatasetRecord[]; total: number }> {
  return repo.listDatasets(page);
}

/**
 * The record (key, size, sha256) of one file of a dataset version, without opening it: a HEAD answers
 * from it, a GET streams it with `blobs.getStream(file)`, which checks the recorded sha256 as bytes flow.
 */
export async function findDatasetFile(repo: DatasetStore, name: string, version: number, role: string): Promise<DatasetFileRecord> {
  const dataset = await getDataset(repo, name, version);
  const file = dataset.files.find((candidate) => candidate.role === role);
  if (file === undefined) {
    throw new NotFoundError(`dataset "${name}" version ${version} has no file "${role}"; it has ${dataset.files.map((f) => f.role).join(', ')}`);
  }
  return file;
}
