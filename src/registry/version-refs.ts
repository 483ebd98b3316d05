// Version references as callers write them: a number (`3`), an alias (`production`) or `latest`.
import { NotFoundError } from './errors';
import { getModel } from './models';
import type { ModelStore } from './ports';
import type { ModelRecord, ModelVersionRecord } from './records';

/** Version numbers are stored as 32-bit integers (PostgreSQL `integer`): none is larger. */
export const MAX_VERSION_NUMBER = 2 ** 31 - 1;

/** The reserved ref naming the newest active version, as in MLflow's `models:/name/latest`. */
export const LATEST = 'latest';

/** A version by number (`3`), alias (`production`) or `latest` (newest active), or null. */
export async function findVersion(repo: ModelStore, model: ModelRecord, ref: string): Promise<ModelVersionRecord | null> {
  if (/^\d+$/.test(ref)) {
    const number = Number(ref);
    return number >= 1 && number <= MAX_VERSION_NUMBER ? repo.getVersion(model.id, number) : null;
  }
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
export async function getVersion(repo: ModelStore, modelName: string, ref: string): Promise<{ model: ModelRecord; version: ModelVersionRecord }> {
  const model = await getModel(repo, modelName);
  const version = await findVersion(repo, model, ref);
  if (!version) throw new NotFoundError(`model "${modelName}" has no version or alias "${ref}"`, { model: modelName, version: ref });
  return { model, version };
}
