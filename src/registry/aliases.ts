// Aliases: named, movable pointers to a model's versions (e.g. `production` -> 7).
import { NotFoundError, UnprocessableError } from './errors';
import { getModel } from './models';
import { assertValidName } from './names';
import type { Clock, ModelStore } from './ports';
import type { AliasRecord, ModelVersionRecord } from './records';
import { LATEST } from './version-refs';

export interface ResolvedAlias {
  alias: string;
  version: ModelVersionRecord;
  updatedAt: string;
}

/** Points `alias` at version number `version` of the model, creating or moving it (a PUT that changes nothing is a no-op). */
export async function setAlias(
  deps: { repo: ModelStore; clock: Clock },
  modelName: string,
  alias: string,
  version: number,
): Promise<ResolvedAlias> {
  assertValidName('alias', alias, 'path');
  // A numeric alias would be shadowed by the version of that number when resolving `versions/{ref}`.
  if (/^\d+$/.test(alias)) {
    throw new UnprocessableError(`alias "${alias}" is all digits, which would read as a version number`, {
      errors: [{ in: 'path', path: 'alias', message: 'must contain a non-digit character' }],
    });
  }
  if (alias === LATEST) {
    throw new UnprocessableError(`"${LATEST}" is reserved: it always names the newest active version`, {
      errors: [{ in: 'path', path: 'alias', message: `must not be "${LATEST}"` }],
    });
  }
  const model = await getModel(deps.repo, modelName);
  const target = await deps.repo.getVersion(model.id, version);
  if (!target) {
    throw new UnprocessableError(`model "${modelName}" has no version ${version}`, {
      errors: [{ in: 'body', path: 'version', message: `version ${version} does not exist` }],
    });
  }
  // Pointing an alias where it points already changes nothing, updatedAt included.
  const current = await deps.repo.getAlias(model.id, alias);
  if (current?.versionId === target.id) return { alias, version: target, updatedAt: current.updatedAt };
  const saved = await deps.repo.setAlias({ modelId: model.id, alias, versionId: target.id, updatedAt: deps.clock.now().toISOString() });
  return { alias: saved.alias, version: target, updatedAt: saved.updatedAt };
}

export async function getAlias(repo: ModelStore, modelName: string, alias: string): Promise<ResolvedAlias> {
  const model = await getModel(repo, modelName);
  const record = await repo.getAlias(model.id, alias);
  if (!record) throw new NotFoundError(`model "${modelName}" has no alias "${alias}"`, { model: modelName, alias });
  const [resolved] = await resolveAliases(repo, [record]);
  return resolved!;
}

export async function listAliases(repo: ModelStore, modelName: string): Promise<ResolvedAlias[]> {
  const model = await getModel(repo, modelName);
  return resolveAliases(repo, await repo.listAliases(model.id));
}

export async function deleteAlias(repo: ModelStore, modelName: string, alias: string): Promise<void> {
  const model = await getModel(repo, modelName);
  if (!(await repo.deleteAlias(model.id, alias))) {
    throw new NotFoundError(`model "${modelName}" has no alias "${alias}"`, { model: modelName, alias });
  }
}

async function resolveAliases(repo: ModelStore, records: AliasRecord[]): Promise<ResolvedAlias[]> {
  const versions = new Map((await repo.getVersionsByIds(records.map((r) => r.versionId))).map((v) => [v.id, v]));
  return records.map((record) => {
    const version = versions.get(record.versionId);
    // Deleting a version deletes its aliases in the same batch, so this cannot dangle.
    if (!version) throw new Error(`alias "${record.alias}" points at missing version ${record.versionId}`);
    return { alias: record.alias, version, updatedAt: record.updatedAt };
  });
}
