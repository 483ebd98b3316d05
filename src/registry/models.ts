// Models: the named things versions belong to, with the task, input shape and class labels every
// version's artifact must agree with.
import { ConflictError, NotFoundError, UnprocessableError } from './errors';
import { assertValidName } from './names';
import type { Clock, ModelFilter, ModelPatch, ModelStore, Page } from './ports';
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

/** A model as a list shows it: with its newest active version and where its aliases point. */
export interface ModelSummary extends ModelRecord {
  /** The highest active (non-archived) version number; null when the model has none. */
  latestVersion: number | null;
  /** Alias name -> the number of the version it points at (archived or not). */
  aliases: Record<string, number>;
}

/**
 * A page of the models the filter matches, by name, as summaries. The same few queries whatever
 * the page size: the page, its count, then the latest versions and the aliases of all its models at once.
 */
export async function listModels(repo: ModelStore, filter: ModelFilter, page: Page): Promise<{ items: ModelSummary[]; total: number }> {
  const { items, total } = await repo.listModels(filter, page);
  const ids = items.map((model) => model.id);
  const [latest, aliases] = await Promise.all([repo.latestVersionNumbers(ids), repo.listAliasesOfModels(ids)]);
  const versionNumbers = new Map((await repo.getVersionsByIds(aliases.map((alias) => alias.versionId))).map((v) => [v.id, v.version]));
  const latestByModel = new Map(latest.map((entry) => [entry.modelId, entry.version]));
  const aliasesByModel = new Map<string, [string, number][]>();
  for (const alias of aliases) {
    const version = versionNumbers.get(alias.versionId);
    // Gone only when its version was deleted (with its aliases) between the two reads: it no longer exists.
    if (version === undefined) continue;
    let entries = aliasesByModel.get(alias.modelId);
    if (!entries) aliasesByModel.set(alias.modelId, (entries = []));
    entries.push([alias.alias, version]);
  }
  return {
    items: items.map((model) => ({
      ...model,
      latestVersion: latestByModel.get(model.id) ?? null,
      aliases: Object.fromEntries(aliasesByModel.get(model.id) ?? []),
    })),
    total,
  };
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
