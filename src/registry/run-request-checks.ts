// The checks every run request shares (train, distill, evaluate, and evaluations): the dataset and
// versions it names exist, and a model fits the dataset. A refusal is a 422 naming the body field.
import { UnprocessableError } from './errors';
import type { DatasetStore, ModelStore } from './ports';
import type { DatasetRecord, ModelRecord, ModelVersionRecord } from './records';
import { findVersion } from './version-refs';

/** A model version as a request names it: a number, an alias or `latest`. */
export interface VersionRef {
  model: string;
  version: number | string;
}

/** A dataset as a request names it: its latest version unless one is given. */
export interface DatasetRef {
  name: string;
  version?: number;
}

export function fieldError(path: string, message: string): UnprocessableError {
  return new UnprocessableError(`${path}: ${message}`, { errors: [{ in: 'body', path, message }] });
}

export async function resolveDataset(repo: DatasetStore, ref: DatasetRef): Promise<DatasetRecord> {
  const found = ref.version === undefined ? await repo.getLatestDataset(ref.name) : await repo.getDataset(ref.name, ref.version);
  if (found) return found;
  if (ref.version !== undefined && (await repo.getLatestDataset(ref.name))) {
    throw fieldError('dataset.version', `dataset "${ref.name}" has no version ${ref.version}`);
  }
  throw fieldError('dataset.name', `dataset "${ref.name}" does not exist`);
}

export async function resolveVersion(repo: ModelStore, ref: VersionRef, field: string): Promise<{ model: ModelRecord; version: ModelVersionRecord }> {
  const model = await repo.getModelByName(ref.model);
  if (!model) throw fieldError(`${field}.model`, `model "${ref.model}" does not exist`);
  const version = await findVersion(repo, model, String(ref.version));
  if (!version) throw fieldError(`${field}.version`, `model "${ref.model}" has no version or alias "${ref.version}"`);
  return { model, version };
}

export const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((dim, i) => dim === b[i]);
export const sameLabels = (a: string[], b: string[]) => a.length === b.length && a.every((label, i) => label === b[i]);

/** The model takes the dataset's examples and has one output per dataset class. */
export function assertFitsDataset(model: ModelRecord, dataset: DatasetRecord, field: string): void {
  if (!sameShape(model.inputShape, dataset.shape)) {
    throw fieldError(field, `model "${model.name}" takes input shape ${JSON.stringify(model.inputShape)} but dataset "${dataset.name}" has ${JSON.stringify(dataset.shape)}`);
  }
  if (model.classLabels.length !== dataset.classLabels.length) {
    throw fieldError(field, `model "${model.name}" has ${model.classLabels.length} classes but dataset "${dataset.name}" has ${dataset.classLabels.length}`);
  }
}
