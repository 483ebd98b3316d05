// The ModelStore port on SQL, for every dialect: models, versions, aliases and lineage. Each write
// is one statement or one batch; what a write may do is decided by its SQL (conditions, foreign
// keys), and only after a refusal do reads find out which ids to name in the error.
import { asc, type Column, desc, eq, inArray, or, type SQL, sql, type Table } from 'drizzle-orm';
import type { DistilleryError } from '../../../errors';
import { ConflictError, NotFoundError, UnprocessableError } from '../../errors';
import type { ModelFilter, ModelStore, NewModel, NewModelVersion, VersionPatch } from '../../ports';
import type { LineageEdgeRecord, ModelRecord, ModelVersionRecord, Timestamp } from '../../records';
import { type RegistryTables, toVersionRecord, toVersionRow, type VersionRow } from './rows';
import type { RowValues, SqlDatabase, TableOf } from './sql-database';
import { claimName, nameIsFreeIn } from './shared-names';
import { allOf, first, isString, mapViolations, missingIds, notFound, unique } from './sql-store-helpers';
import { bumpVersionCounter, currentVersion } from './version-counter';

export function sqlModelStore<T extends Table>(db: SqlDatabase<T>, t: RegistryTables<T>): ModelStore {
  const s = db.statements;
  const { models, modelVersions, aliases, lineageEdges } = t;

  async function edgesWhere(column: Column, ids: string[], orderBy: Column[]): Promise<LineageEdgeRecord[]> {
    if (ids.length === 0) return [];
    const options = { where: inArray(column, unique(ids)), orderBy: [...orderBy, lineageEdges.relation].map((c) => asc(c)) };
    return db.run(s.select(lineageEdges, options));
  }

  /** After a foreign key refused a new version: which of the ids it refers to does not exist. */
  async function missingReference(version: NewModelVersion): Promise<DistilleryError> {
    if ((await missingIds(db, models, [version.modelId])).length > 0) {
      return new NotFoundError(`model ${version.modelId} not found`, { id: version.modelId });
    }
    const { parents } = version;
    const references: [TableOf<T, { id: string }>, string[], string, string][] = [
      [modelVersions, parents.map((edge) => edge.parentVersionId), 'parent versions', 'missingParentVersionIds'],
      [t.runs, [version.sourceRunId, ...parents.map((edge) => edge.runId)].filter(isString), 'runs', 'missingRunIds'],
      [t.datasets, parents.map((edge) => edge.datasetId).filter(isString), 'datasets', 'missingDatasetIds'],
    ];
    for (const [table, ids, what, detail] of references) {
      const missing = await missingIds(db, table, ids);
      if (missing.length > 0) return new UnprocessableError(`${what} not found: ${missing.join(', ')}`, { [detail]: missing });
    }
    // Present again by now: deleted, then recreated, while the batch ran.
    return new UnprocessableError('a parent version, run or dataset of the new version does not exist');
  }

  /** After a foreign key refused deleting a version: its children, or whatever else still refers to it. */
  async function stillReferenced(id: string): Promise<DistilleryError> {
    const children = await db.run(s.select(lineageEdges, { where: eq(lineageEdges.parentVersionId, id) }));
    if (children.length > 0) {
      const childVersionIds = unique(children.map((edge) => edge.childVersionId));
      return new ConflictError(`version ${id} has descendants and cannot be deleted`, { childVersionIds });
    }
    // An ensemble member, or a run's result.
    return new ConflictError(`version ${id} is still referenced and cannot be deleted`);
  }

  /** The filter's condition on models, or none. */
  function modelsMatching(filter: ModelFilter): SQL | undefined {
    if (filter.q === undefined) return undefined;
    return or(containsText(models.name, filter.q), containsText(models.description, filter.q));
  }

  return {
    // --- models -------------------------------------------------------------------------------

    /** One batch: claim the name, then insert the model unless an ensemble has the name. */
    async createModel(model: NewModel): Promise<ModelRecord> {
      const record: ModelRecord = { ...model, updatedAt: model.createdAt };
      const work = db.batch([claimName(s, t.versionCounters, model.name), s.insertWhere(models, record, nameIsFreeIn(t.ensembles, model.name))]);
      const [, inserted] = await mapViolations(db, work, {
        unique: () => new ConflictError(`a model named "${model.name}" already exists`, { name: model.name }),
      });
      if (inserted.length === 0) throw new ConflictError(`an ensemble named "${model.name}" already exists`, { name: model.name });
      return record;
    },

    async getModelByName(name) {
      return first(await db.run(s.select(models, { where: eq(models.name, name) })));
    },

    async getModelsByIds(ids) {
      if (ids.length === 0) return [];
      return db.run(s.select(models, { where: inArray(models.id, unique(ids)), orderBy: [asc(models.name)] }));
    },

    async listModels(filter, page) {
      const where = modelsMatching(filter);
      const [items, total] = await Promise.all([db.run(s.select(models, { where, orderBy: [asc(models.name)], page })), db.run(s.count(models, where))]);
      return { items, total };
    },

    async updateModel(id, patch, at) {
      const set: Partial<ModelRecord> = { description: patch.description, tags: patch.tags, updatedAt: at };
      return first(await db.run(s.update(models, set, eq(models.id, id)))) ?? notFound('model', id);
    },

    // --- versions -----------------------------------------------------------------------------

    /** One batch: bump the model's counter, insert the version under the new number, insert its edges. */
    async createVersion(version: NewModelVersion): Promise<ModelVersionRecord> {
      const { parents, ...fields } = version;
      const edgeKeys = parents.map((edge) => `${edge.parentVersionId} ${edge.relation}`);
      if (unique(edgeKeys).length < edgeKeys.length) {
        throw new UnprocessableError('the same parent is listed twice with the same relation');
      }
      const subject = `model:${version.modelId}`;
      const row: RowValues<VersionRow> = {
        ...toVersionRow({ ...fields, version: 0, status: 'active', archivedAt: null }),
        version: currentVersion(t.versionCounters, subject),
      };
      const edges: LineageEdgeRecord[] = parents.map((parent) => ({
        ...parent,
        id: crypto.randomUUID(),
        childVersionId: version.id,
        createdAt: version.createdAt,
      }));
      try {
        const [, [created]] = await db.batch([
          bumpVersionCounter(s, t.versionCounters, subject),
          s.insert(modelVersions, [row]),
          ...(edges.length > 0 ? [s.insert(lineageEdges, edges)] : []),
        ]);
        if (!created) throw new Error(`version ${version.id}: the insert returned no row`);
        return toVersionRecord(created);
      } catch (error) {
        const violation = db.violation(error);
        if (violation === 'foreign-key') throw Object.assign(await missingReference(version), { cause: error });
        if (violation === 'unique') {
          throw new ConflictError(`version ${version.id}: its id or its number is taken already`, { id: version.id }, { cause: error });
        }
        throw error;
      }
    },

    async getVersion(modelId, version) {
      const where = allOf(eq(modelVersions.modelId, modelId), eq(modelVersions.version, version));
      const row = first(await db.run(s.select(modelVersions, { where })));
      return row && toVersionRecord(row);
    },

    async getVersionsByIds(ids) {
      if (ids.length === 0) return [];
      const options = { where: inArray(modelVersions.id, unique(ids)), orderBy: [asc(modelVersions.modelId), asc(modelVersions.version)] };
      return (await db.run(s.select(modelVersions, options))).map(toVersionRecord);
    },

    async listVersions(modelId, filter, page) {
      const where = filter.includeArchived
        ? eq(modelVersions.modelId, modelId)
        : allOf(eq(modelVersions.modelId, modelId), eq(modelVersions.status, 'active'));
      const [rows, total] = await Promise.all([
        db.run(s.select(modelVersions, { where, orderBy: [desc(modelVersions.version)], page })),
        db.run(s.count(modelVersions, where)),
      ]);
      return { items: rows.map(toVersionRecord), total };
    },

    async latestVersionNumbers(modelIds) {
      if (modelIds.length === 0) return [];
      const where = allOf(inArray(modelVersions.modelId, unique(modelIds)), eq(modelVersions.status, 'active'));
      const rows = await db.run(s.maxPerGroup<string, number>(modelVersions, modelVersions.modelId, modelVersions.version, where));
      return rows.map((row) => ({ modelId: row.group, version: row.max }));
    },

    async updateVersion(id: string, patch: VersionPatch, at: Timestamp): Promise<ModelVersionRecord> {
      const set: Partial<RowValues<VersionRow>> = {
        description: patch.description,
        tags: patch.tags,
        status: patch.status,
        archivedAt: archivedAtAfter(modelVersions.archivedAt, patch.status, at),
      };
      const row = first(await db.run(s.update(modelVersions, set, eq(modelVersions.id, id))));
      return row ? toVersionRecord(row) : notFound('version', id);
    },

    /** One batch: its aliases, its parent edges, then the version; a child edge (restrict) refuses the lot. */
    async deleteVersion(id: string): Promise<void> {
      try {
        const [, , deleted] = await db.batch([
          s.delete(aliases, eq(aliases.versionId, id)),
          s.delete(lineageEdges, eq(lineageEdges.childVersionId, id)),
          s.delete(modelVersions, eq(modelVersions.id, id)),
        ]);
        if (deleted.length === 0) notFound('version', id);
      } catch (error) {
        if (db.violation(error) === 'foreign-key') throw Object.assign(await stillReferenced(id), { cause: error });
        throw error;
      }
    },

    // --- aliases ------------------------------------------------------------------------------

    /** One statement: inserted (or moved) only when the version belongs to the model. */
    async setAlias(alias) {
      const ownVersion = sql`exists (select 1 from ${modelVersions} where ${allOf(eq(modelVersions.id, alias.versionId), eq(modelVersions.modelId, alias.modelId))})`;
      const upsert = { target: [aliases.modelId, aliases.alias], set: { versionId: alias.versionId, updatedAt: alias.updatedAt } };
      const [saved] = await db.run(s.insertWhere(aliases, alias, ownVersion, upsert));
      if (!saved) {
        throw new UnprocessableError(`version ${alias.versionId} is not a version of model ${alias.modelId}`, { versionId: alias.versionId });
      }
      return saved;
    },

    async getAlias(modelId, alias) {
      return first(await db.run(s.select(aliases, { where: allOf(eq(aliases.modelId, modelId), eq(aliases.alias, alias)) })));
    },

    async listAliases(modelId) {
      return db.run(s.select(aliases, { where: eq(aliases.modelId, modelId), orderBy: [asc(aliases.alias)] }));
    },

    async listAliasesOfModels(modelIds) {
      if (modelIds.length === 0) return [];
      return db.run(s.select(aliases, { where: inArray(aliases.modelId, unique(modelIds)), orderBy: [asc(aliases.modelId), asc(aliases.alias)] }));
    },

    async deleteAlias(modelId, alias) {
      return (await db.run(s.delete(aliases, allOf(eq(aliases.modelId, modelId), eq(aliases.alias, alias))))).length > 0;
    },

    // --- lineage ------------------------------------------------------------------------------

    listParentEdges: (childVersionIds) =>
      edgesWhere(lineageEdges.childVersionId, childVersionIds, [lineageEdges.childVersionId, lineageEdges.parentVersionId]),

    listChildEdges: (parentVersionIds) =>
      edgesWhere(lineageEdges.parentVersionId, parentVersionIds, [lineageEdges.parentVersionId, lineageEdges.childVersionId]),
  };
}

/**
 * `column` holds `text`, ignoring case, with `%`, `_` and `\` in it matched literally. Both sides go
 * through the database's own lower(), so the text always matches itself whatever the dialect lowers
 * (SQLite only ASCII letters; PostgreSQL follows the database's locale), and ASCII case is ignored
 * everywhere: PostgreSQL's LIKE is case-sensitive, SQLite's is not.
 */
function containsText(column: Column, text: string): SQL {
  const pattern = `%${text.replace(/[\\%_]/g, (special) => `\\${special}`)}%`;
  return sql`lower(${column}) like lower(${sql.param(pattern)}) escape '\\'`;
}

/** The archive time a patch leaves: the first archive time is kept, reactivating clears it. */
function archivedAtAfter(archivedAt: Column, status: VersionPatch['status'], at: Timestamp): SQL | null {
  if (status === 'archived') return sql`coalesce(${archivedAt}, ${sql.param(at, archivedAt)})`;
  if (status === 'active') return null;
  // Assigned to itself, so that an empty patch is still an UPDATE that returns the row.
  return sql`${archivedAt}`;
}
