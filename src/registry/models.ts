// Models: the named things versions belong to, with the task, input shape and class labels every
// version's artifact must agree with.
import { ConflictError, NotFoundError, UnprocessableError } from './errors';
import { assertValidName } from './names';
import type { Clock, ModelPatch, ModelStore, Page } from './ports';
import type { ModelRecord } from './records';

export interface NewModelInput {
  name: string;
  task: string;
  inputShape: number[];
  classLabels: string[];
  description?: string;
  tags?: Record<string, string>;
}

export async function createModel(deps: { repo: ModelStore; clock: Clock }, input: NewModelInput): Promise<ModelRecord> {
  assertValidName('name', input.name);
  if (input.inputShape.some((dim) => !Number.isSafeInteger(dim) || dim < 1)) {
    throw new UnprocessableError('inputShape must hold positive integers', {
      errors: [{ in: 'body', path: 'inputShape', message: 'each dimension must be a positive integer' }],
    });
  }
  if (new Set(input.classLabels).size !== input.classLabels.length) {
    throw new UnprocessableError('classLabels must be distinct', {
      errors: [{ in: 'body', path: 'classLabels', message: 'labels must be distinct' }],
    });
  }
  if (await deps.repo.getModelByName(input.name)) throw new ConflictError(`model "${input.name}" already exists`, { model: input.name });
  const now = deps.clock.now().toISOString();
  return deps.repo.createModel({
    id: crypto.randomUUID(),
    name: input.name,
    task: input.task,
    inputShape: input.inputShape,
    classLabels: input.classLabels,
    description: input.description ?? '',
    tags: input.tags ?? {},
    createdAt: now,
  });
}

/** The model called `name`; NotFoundError otherwise. */
export async function getModel(repo: ModelStore, name: string): Promise<ModelRecord> {
  const model = await repo.getModelByName(name);
  if (!model) throw new NotFoundError(`model "${name}" does not exist`, { model: name });
  return model;
}

export function listModels(repo: ModelStore, page: Page): Promise<{ items: ModelRecord[]; total: number }> {
  return repo.listModels(page);
}

/** Applies the fields of `patch` that differ from the model; a patch that changes nothing leaves `updatedAt` alone. */
export async function updateModel(deps: { repo: ModelStore; clock: Clock }, name: string, patch: ModelPatch): Promise<ModelRecord> {
  const model = await getModel(deps.repo, name);
  const changes: ModelPatch = {};
  if (patch.description !== undefined && patch.description !== model.description) changes.description = patch.description;
  if (patch.tags !== undefined && !sameTags(patch.tags, model.tags)) changes.tags = patch.tags;
  if (Object.keys(changes).length === 0) return model;
  return deps.repo.updateModel(model.id, changes, deps.clock.now().toISOString());
}

function sameTags(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

/** Names of the models with these ids (for lineage nodes, which span models). */
export async function modelNamesById(repo: ModelStore, ids: Set<string>): Promise<Map<string, string>> {
  const models = await repo.getModelsByIds([...ids]);
  return new Map(models.map((model) => [model.id, model.name]));
}
