// The Repository port on SQL, written once for every dialect: each method is one transaction (or
// one statement) over a SqlDatabase, and driver constraint errors become the registry's errors.
import { and, asc, type Column, desc, eq, inArray, isNull, type SQL, sql, type Table } from 'drizzle-orm';
import type { DistilleryError } from '../../../errors';
import { ConflictError, NotFoundError, UnprocessableError } from '../../errors';
import {
  IDEMPOTENCY_IN_PROGRESS,
  type ModelPatch,
  type ModelVersionFilter,
  type NewDataset,
  type NewModel,
  type NewModelVersion,
  type Page,
  type Repository,
  type VersionPatch,
} from '../../ports';
import type {
  AliasRecord,
  ApiKeyRecord,
  DatasetRecord,
  IdempotencyRecord,
  LineageEdgeRecord,
  ModelRecord,
  ModelVersionRecord,
  Timestamp,
} from '../../records';
import { type RegistryTables, toVersionRecord, toVersionRow, type VersionRow } from './rows';
import type { ConstraintViolation, SqlDatabase, SqlStatements, TableOf } from './sql-database';

type ViolationErrors = Partial<Record<ConstraintViolation, () => DistilleryError>>;

export class SqlRepository<T extends Table> implements Repository {
  constructor(
    private readonly db: SqlDatabase<T>,
    private readonly t: RegistryTables<T>,
  ) {}

  // --- models ---------------------------------------------------------------------------------

  async createModel(model: NewModel): Promise<ModelRecord> {
    const record: ModelRecord = { ...model, updatedAt: model.createdAt };
    await this.mapViolations(this.db.run((s) => s.insert(this.t.models, [record])), {
      unique: () => new ConflictError(`a model named "${model.name}" already exists`, { name: model.name }),
    });
    return record;
  }

  async getModelByName(name: string): Promise<ModelRecord | null> {
    return this.db.run(async (s) => first(await s.select(this.t.models, { where: eq(this.t.models.name, name) })));
  }

  async getModelsByIds(ids: string[]): Promise<ModelRecord[]> {
    if (ids.length === 0) return [];
    const { models } = this.t;
    return this.db.run((s) => s.select(models, { where: inArray(models.id, unique(ids)), orderBy: [asc(models.name)] }));
  }

  async listModels(page: Page): Promise<{ items: ModelRecord[]; total: number }> {
    const { models } = this.t;
    return this.db.run(async (s) => ({
      items: await s.select(models, { orderBy: [asc(models.name)], page }),
      total: await s.count(models),
    }));
  }

  async updateModel(id: string, patch: ModelPatch, at: Timestamp): Promise<ModelRecord> {
    const { models } = this.t;
    const set: Partial<ModelRecord> = { description: patch.description, tags: patch.tags, updatedAt: at };
    const updated = await this.db.run((s) => s.update(models, set, eq(models.id, id)));
    return first(updated) ?? notFound('model', id);
  }

  // --- versions -------------------------------------------------------------------------------

  async createVersion(version: NewModelVersion): Promise<ModelVersionRecord> {
    const { models, modelVersions, lineageEdges } = this.t;
    const { parents, ...fields } = version;
    const work = this.db.transaction(async (s) => {
      if (!first(await s.select(models, { where: eq(models.id, version.modelId) }))) notFound('model', version.modelId);
      await this.checkReferences(s, version);
      const number = await this.nextVersion(s, `model:${version.modelId}`);
      const record: ModelVersionRecord = { ...fields, version: number, status: 'active', archivedAt: null };
      await s.insert(modelVersions, [toVersionRow(record)]);
      const edges: LineageEdgeRecord[] = parents.map((parent) => ({
        ...parent,
        id: crypto.randomUUID(),
        childVersionId: record.id,
        createdAt: record.createdAt,
      }));
      if (edges.length > 0) await s.insert(lineageEdges, edges);
      return record;
    });
    return this.mapViolations(work, {
      // A parent, run or dataset deleted by a concurrent transaction after the checks above.
      'foreign-key': () => new UnprocessableError('a parent version, run or dataset of the new version does not exist'),
      unique: () => new ConflictError(`version ${version.id}: its id or its number is taken already`, { id: version.id }),
    });
  }

  async getVersion(modelId: string, version: number): Promise<ModelVersionRecord | null> {
    const { modelVersions } = this.t;
    const where = allOf(eq(modelVersions.modelId, modelId), eq(modelVersions.version, version));
    const row = first(await this.db.run((s) => s.select(modelVersions, { where })));
    return row && toVersionRecord(row);
  }

  async getVersionsByIds(ids: string[]): Promise<ModelVersionRecord[]> {
    const rows = await this.db.run((s) => this.versionsByIds(s, ids));
    return rows.map(toVersionRecord);
  }

  async listVersions(
    modelId: string,
    filter: ModelVersionFilter,
    page: Page,
  ): Promise<{ items: ModelVersionRecord[]; total: number }> {
    const { modelVersions } = this.t;
    const where = and(
      eq(modelVersions.modelId, modelId),
      filter.includeArchived ? undefined : eq(modelVersions.status, 'active'),
    );
    return this.db.run(async (s) => ({
      items: (await s.select(modelVersions, { where, orderBy: [desc(modelVersions.version)], page })).map(toVersionRecord),
      total: await s.count(modelVersions, where),
    }));
  }

  async updateVersion(id: string, patch: VersionPatch, at: Timestamp): Promise<ModelVersionRecord> {
    const { modelVersions } = this.t;
    const byId = eq(modelVersions.id, id);
    const row = await this.db.transaction(async (s) => {
      const current = first(await s.select(modelVersions, { where: byId, forUpdate: true })) ?? notFound('version', id);
      const set: Partial<VersionRow> = {
        description: patch.description,
        tags: patch.tags,
        status: patch.status,
        archivedAt: archivedAtAfter(current, patch.status, at),
      };
      return first(await s.update(modelVersions, set, byId)) ?? notFound('version', id);
    });
    return toVersionRecord(row);
  }

  async deleteVersion(id: string): Promise<void> {
    const { modelVersions, lineageEdges, aliases } = this.t;
    const work = this.db.transaction(async (s) => {
      if (!first(await s.select(modelVersions, { where: eq(modelVersions.id, id), forUpdate: true }))) {
        notFound('version', id);
      }
      const children = await s.select(lineageEdges, { where: eq(lineageEdges.parentVersionId, id) });
      if (children.length > 0) {
        const childVersionIds = [...new Set(children.map((edge) => edge.childVersionId))];
        throw new ConflictError(`version ${id} has descendants and cannot be deleted`, { childVersionIds });
      }
      await s.delete(aliases, eq(aliases.versionId, id));
      await s.delete(lineageEdges, eq(lineageEdges.childVersionId, id));
      await s.delete(modelVersions, eq(modelVersions.id, id));
    });
    await this.mapViolations(work, {
      // Still referenced elsewhere: an ensemble member, a run's result, or a child edge added concurrently.
      'foreign-key': () => new ConflictError(`version ${id} is still referenced and cannot be deleted`),
    });
  }

  // --- aliases --------------------------------------------------------------------------------

  async setAlias(alias: AliasRecord): Promise<AliasRecord> {
    const { aliases, modelVersions } = this.t;
    await this.db.transaction(async (s) => {
      const where = allOf(eq(modelVersions.id, alias.versionId), eq(modelVersions.modelId, alias.modelId));
      if (!first(await s.select(modelVersions, { where }))) {
        throw new UnprocessableError(`version ${alias.versionId} is not a version of model ${alias.modelId}`, {
          versionId: alias.versionId,
        });
      }
      await s.insert(aliases, [alias], {
        target: [aliases.modelId, aliases.alias],
        set: { versionId: alias.versionId, updatedAt: alias.updatedAt },
      });
    });
    return alias;
  }

  async getAlias(modelId: string, alias: string): Promise<AliasRecord | null> {
    const { aliases } = this.t;
    const where = allOf(eq(aliases.modelId, modelId), eq(aliases.alias, alias));
    return first(await this.db.run((s) => s.select(aliases, { where })));
  }

  async listAliases(modelId: string): Promise<AliasRecord[]> {
    const { aliases } = this.t;
    return this.db.run((s) => s.select(aliases, { where: eq(aliases.modelId, modelId), orderBy: [asc(aliases.alias)] }));
  }

  async deleteAlias(modelId: string, alias: string): Promise<boolean> {
    const { aliases } = this.t;
    const where = allOf(eq(aliases.modelId, modelId), eq(aliases.alias, alias));
    return (await this.db.run((s) => s.delete(aliases, where))).length > 0;
  }

  // --- lineage --------------------------------------------------------------------------------

  async listParentEdges(childVersionIds: string[]): Promise<LineageEdgeRecord[]> {
    const { lineageEdges: edges } = this.t;
    return this.edgesWhere(edges.childVersionId, childVersionIds, [edges.childVersionId, edges.parentVersionId]);
  }

  async listChildEdges(parentVersionIds: string[]): Promise<LineageEdgeRecord[]> {
    const { lineageEdges: edges } = this.t;
    return this.edgesWhere(edges.parentVersionId, parentVersionIds, [edges.parentVersionId, edges.childVersionId]);
  }

  // --- datasets -------------------------------------------------------------------------------

  async createDataset(dataset: NewDataset): Promise<DatasetRecord> {
    const { datasets } = this.t;
    const work = this.db.transaction(async (s) => {
      const version = await this.nextVersion(s, `dataset:${dataset.name}`);
      const record: DatasetRecord = { ...dataset, version };
      await s.insert(datasets, [record]);
      return record;
    });
    return this.mapViolations(work, {
      unique: () => new ConflictError(`dataset ${dataset.id}: its id or its version is taken already`, { id: dataset.id }),
    });
  }

  async getDataset(name: string, version: number): Promise<DatasetRecord | null> {
    const { datasets } = this.t;
    const where = allOf(eq(datasets.name, name), eq(datasets.version, version));
    return first(await this.db.run((s) => s.select(datasets, { where })));
  }

  async getLatestDataset(name: string): Promise<DatasetRecord | null> {
    const { datasets } = this.t;
    const options = { where: eq(datasets.name, name), orderBy: [desc(datasets.version)], page: { limit: 1, offset: 0 } };
    return first(await this.db.run((s) => s.select(datasets, options)));
  }

  async listDatasets(page: Page): Promise<{ items: DatasetRecord[]; total: number }> {
    const { datasets } = this.t;
    return this.db.run(async (s) => ({
      items: await s.select(datasets, { orderBy: [asc(datasets.name), desc(datasets.version)], page }),
      total: await s.count(datasets),
    }));
  }

  // --- API keys -------------------------------------------------------------------------------

  async createApiKey(key: ApiKeyRecord): Promise<ApiKeyRecord> {
    await this.mapViolations(this.db.run((s) => s.insert(this.t.apiKeys, [key])), {
      unique: () => new ConflictError(`API key ${key.id} (or one with the same secret) already exists`, { id: key.id }),
    });
    return key;
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | null> {
    const { apiKeys } = this.t;
    return first(await this.db.run((s) => s.select(apiKeys, { where: eq(apiKeys.id, id) })));
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    const { apiKeys } = this.t;
    return this.db.run((s) => s.select(apiKeys, { orderBy: [asc(apiKeys.createdAt), asc(apiKeys.id)] }));
  }

  async revokeApiKey(id: string, at: Timestamp): Promise<ApiKeyRecord | null> {
    const { apiKeys } = this.t;
    return this.db.transaction(async (s) => {
      // Revoking twice keeps the first revocation time.
      const revoked = first(await s.update(apiKeys, { revokedAt: at }, allOf(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))));
      return revoked ?? first(await s.select(apiKeys, { where: eq(apiKeys.id, id) }));
    });
  }

  async countApiKeys(): Promise<number> {
    return this.db.run((s) => s.count(this.t.apiKeys));
  }

  // --- idempotency ----------------------------------------------------------------------------

  async getIdempotent(apiKeyId: string, key: string): Promise<IdempotencyRecord | null> {
    return this.db.run((s) => this.idempotent(s, apiKeyId, key));
  }

  async reserveIdempotent(record: IdempotencyRecord, staleBefore: Timestamp): Promise<IdempotencyRecord | null> {
    const { idempotencyKeys: keys } = this.t;
    const work = this.db.transaction(async (s) => {
      // A concurrent writer of the same key makes this insert wait for its commit, then do nothing.
      const [inserted] = await s.insert(keys, [record], { doNothing: true });
      if (inserted) return null;
      const stored = (await this.idempotent(s, record.apiKeyId, record.key)) ?? notFound('idempotency key', record.key);
      const abandoned =
        stored.status === IDEMPOTENCY_IN_PROGRESS &&
        stored.requestHash === record.requestHash &&
        Date.parse(stored.createdAt) < Date.parse(staleBefore);
      if (!abandoned) return stored;
      // Only one of several concurrent takers still finds the old reservation's time.
      const sameReservation = allOf(this.reservation(record.apiKeyId, record.key), eq(keys.createdAt, stored.createdAt));
      const [taken] = await s.update(keys, { createdAt: record.createdAt }, sameReservation);
      return taken ? null : ((await this.idempotent(s, record.apiKeyId, record.key)) ?? notFound('idempotency key', record.key));
    });
    return this.mapViolations(work, {
      'foreign-key': () => new UnprocessableError(`API key ${record.apiKeyId} does not exist`),
    });
  }

  async completeIdempotent(apiKeyId: string, key: string, status: number, responseBody: string): Promise<IdempotencyRecord> {
    const { idempotencyKeys: keys } = this.t;
    const completed = await this.db.run((s) => s.update(keys, { status, responseBody }, this.reservation(apiKeyId, key)));
    return first(completed) ?? notFound('idempotency reservation', key);
  }

  async releaseIdempotent(apiKeyId: string, key: string): Promise<boolean> {
    const released = await this.db.run((s) => s.delete(this.t.idempotencyKeys, this.reservation(apiKeyId, key)));
    return released.length > 0;
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  // --- shared steps ---------------------------------------------------------------------------

  /**
   * Increments the subject's counter and returns the new number. The upsert locks the counter
   * row until the transaction ends, so concurrent creators of one subject take turns and get
   * distinct numbers; a rolled-back creation gives its number back. The unique constraints on
   * (model_id, version) and (name, version) are the backstop.
   */
  private async nextVersion(s: SqlStatements<T>, subject: string): Promise<number> {
    const { versionCounters: counters } = this.t;
    const [counter] = await s.insert(counters, [{ subject, lastVersion: 1 }], {
      target: [counters.subject],
      set: { lastVersion: sql`${counters.lastVersion} + 1` },
    });
    if (!counter) throw new Error(`the version counter of ${subject} returned no row`);
    return counter.lastVersion;
  }

  /** Every id the new version refers to must exist: parent versions, runs and datasets. */
  private async checkReferences(s: SqlStatements<T>, version: NewModelVersion): Promise<void> {
    const { parents } = version;
    const edgeKeys = parents.map((edge) => `${edge.parentVersionId} ${edge.relation}`);
    if (unique(edgeKeys).length < edgeKeys.length) {
      throw new UnprocessableError('the same parent is listed twice with the same relation');
    }
    const parentIds = parents.map((edge) => edge.parentVersionId);
    await this.requireAll(s, this.t.modelVersions, parentIds, 'parent versions', 'missingParentVersionIds');
    const runIds = [version.sourceRunId, ...parents.map((edge) => edge.runId)].filter(isString);
    await this.requireAll(s, this.t.runs, runIds, 'runs', 'missingRunIds');
    const datasetIds = parents.map((edge) => edge.datasetId).filter(isString);
    await this.requireAll(s, this.t.datasets, datasetIds, 'datasets', 'missingDatasetIds');
  }

  /** Throws UnprocessableError naming, under `detail`, the `ids` that `table` does not hold. */
  private async requireAll<Row extends { id: string }>(
    s: SqlStatements<T>,
    table: TableOf<T, Row>,
    ids: string[],
    what: string,
    detail: string,
  ): Promise<void> {
    if (ids.length === 0) return;
    const found = new Set((await s.select(table, { where: inArray(table.id, unique(ids)) })).map((row) => row.id));
    const missing = unique(ids).filter((id) => !found.has(id));
    if (missing.length > 0) throw new UnprocessableError(`${what} not found: ${missing.join(', ')}`, { [detail]: missing });
  }

  private async versionsByIds(s: SqlStatements<T>, ids: string[]): Promise<VersionRow[]> {
    if (ids.length === 0) return [];
    const { modelVersions } = this.t;
    return s.select(modelVersions, {
      where: inArray(modelVersions.id, unique(ids)),
      orderBy: [asc(modelVersions.modelId), asc(modelVersions.version)],
    });
  }

  private async edgesWhere(column: Column, ids: string[], orderBy: Column[]): Promise<LineageEdgeRecord[]> {
    if (ids.length === 0) return [];
    const { lineageEdges: edges } = this.t;
    const options = { where: inArray(column, unique(ids)), orderBy: [...orderBy, edges.relation].map((c) => asc(c)) };
    return this.db.run((s) => s.select(edges, options));
  }

  /** The idempotency record of `key` while its request is still in progress. */
  private reservation(apiKeyId: string, key: string): SQL {
    const { idempotencyKeys: keys } = this.t;
    return allOf(eq(keys.apiKeyId, apiKeyId), eq(keys.key, key), eq(keys.status, IDEMPOTENCY_IN_PROGRESS));
  }

  private async idempotent(s: SqlStatements<T>, apiKeyId: string, key: string): Promise<IdempotencyRecord | null> {
    const { idempotencyKeys: keys } = this.t;
    return first(await s.select(keys, { where: allOf(eq(keys.apiKeyId, apiKeyId), eq(keys.key, key)) }));
  }

  /** Turns the driver's constraint errors into the registry's, as `errors` says; others pass through. */
  private async mapViolations<R>(work: Promise<R>, errors: ViolationErrors): Promise<R> {
    try {
      return await work;
    } catch (error) {
      const violation = this.db.violation(error);
      const registryError = violation && errors[violation]?.();
      if (registryError) throw Object.assign(registryError, { cause: error });
      throw error;
    }
  }
}

function archivedAtAfter(current: VersionRow, status: VersionPatch['status'], at: Timestamp): Timestamp | null {
  if (status === 'archived') return current.archivedAt ?? at;
  if (status === 'active') return null;
  return current.archivedAt;
}

/** `and` of conditions that are all present, which is never empty. */
function allOf(condition: SQL, ...more: SQL[]): SQL {
  return and(condition, ...more) ?? condition;
}

function first<Row>(rows: Row[]): Row | null {
  return rows[0] ?? null;
}

function notFound(what: string, id: string): never {
  throw new NotFoundError(`${what} ${id} not found`, { id });
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function isString(value: string | null): value is string {
  return value !== null;
}
