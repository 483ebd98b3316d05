// The EnsembleStore port on SQL, for every dialect: an ensemble row and its member rows, always
// written in one batch. A member row is inserted only while its ensemble exists, so a batch whose
// ensemble insert was skipped (a model has the name) or whose update found nothing writes no member.
import { asc, eq, inArray, type SQL, sql, type Table } from 'drizzle-orm';
import type { DistilleryError } from '../../../errors';
import { ConflictError, UnprocessableError } from '../../errors';
import type { EnsemblePatch, EnsembleStore, NewEnsemble } from '../../ports';
import type { EnsembleMemberRecord, EnsembleRecord } from '../../records';
import { type EnsembleMemberRow, type EnsembleRow, type RegistryTables, toEnsembleRecord, toEnsembleRows } from './rows';
import type { RowValues, SqlDatabase } from './sql-database';
import { claimName, nameIsFreeIn } from './shared-names';
import { first, missingIds, notFound } from './sql-store-helpers';

export function sqlEnsembleStore<T extends Table>(db: SqlDatabase<T>, t: RegistryTables<T>): EnsembleStore {
  const s = db.statements;
  const { ensembles, ensembleMembers, models, modelVersions } = t;

  function insertMembers(ensembleId: string, members: EnsembleMemberRecord[]) {
    const ensembleExists = sql`exists (select 1 from ${ensembles} where ${eq(ensembles.id, ensembleId)})`;
    return members.map((member) => s.insertWhere(ensembleMembers, { ...member, ensembleId }, ensembleExists));
  }

  async function membersWhere(where: SQL): Promise<EnsembleMemberRow[]> {
    return db.run(s.select(ensembleMembers, { where, orderBy: [asc(ensembleMembers.ensembleId), asc(ensembleMembers.position)] }));
  }

  async function withMembers(rows: EnsembleRow[]): Promise<EnsembleRecord[]> {
    if (rows.length === 0) return [];
    const members = await membersWhere(inArray(ensembleMembers.ensembleId, rows.map((row) => row.id)));
    return rows.map((row) => toEnsembleRecord(row, members));
  }

  /** After a foreign key refused members: the models and versions they name that do not exist. */
  async function missingMemberReferences(members: EnsembleMemberRecord[]): Promise<DistilleryError> {
    const missingModelIds = await missingIds(db, models, members.map((member) => member.modelId));
    const missingVersionIds = await missingIds(db, modelVersions, members.map((member) => member.versionId));
    return new UnprocessableError(`ensemble members name models or versions that do not exist: ${[...missingModelIds, ...missingVersionIds].join(', ')}`, {
      missingModelIds,
      missingVersionIds,
    });
  }

  /** Runs a batch writing `members`, turning a foreign key refusal into a 422 naming what is missing. */
  async function writingMembers<R>(members: EnsembleMemberRecord[], work: Promise<R>, onUnique: () => DistilleryError): Promise<R> {
    try {
      return await work;
    } catch (error) {
      const violation = db.violation(error);
      if (violation === 'foreign-key') throw Object.assign(await missingMemberReferences(members), { cause: error });
      if (violation === 'unique') throw Object.assign(onUnique(), { cause: error });
      throw error;
    }
  }

  return {
    /** One batch: claim the name, insert the ensemble unless a model has the name, insert its members. */
    async createEnsemble(ensemble: NewEnsemble): Promise<EnsembleRecord> {
      const record: EnsembleRecord = { ...ensemble, revision: 1, updatedAt: ensemble.createdAt };
      const rows = toEnsembleRows(record);
      const work = db.batch([
        claimName(s, t.versionCounters, ensemble.name),
        s.insertWhere(ensembles, rows.ensemble, nameIsFreeIn(models, ensemble.name)),
        ...insertMembers(ensemble.id, ensemble.members),
      ]);
      const [, inserted] = await writingMembers(
        ensemble.members,
        work,
        () => new ConflictError(`an ensemble named "${ensemble.name}" already exists`, { name: ensemble.name }),
      );
      if (inserted.length === 0) throw new ConflictError(`a model named "${ensemble.name}" already exists`, { name: ensemble.name });
      return record;
    },

    /** Two reads (the ensemble, then its members): a batch would take SQLite's write lock on every read. */
    async getEnsembleByName(name) {
      const row = first(await db.run(s.select(ensembles, { where: eq(ensembles.name, name) })));
      return row && toEnsembleRecord(row, await membersWhere(eq(ensembleMembers.ensembleId, row.id)));
    },

    async listEnsembles(page) {
      const [rows, total] = await Promise.all([db.run(s.select(ensembles, { orderBy: [asc(ensembles.name)], page })), db.run(s.count(ensembles))]);
      return { items: await withMembers(rows), total };
    },

    /** One batch: update the row (revision + 1 when members or aggregation are patched), replace the members, read them back. */
    async updateEnsemble(id: string, patch: EnsemblePatch, at): Promise<EnsembleRecord> {
      const raisesRevision = patch.members !== undefined || patch.aggregation !== undefined;
      const set: Partial<RowValues<EnsembleRow>> = {
        description: patch.description,
        tags: patch.tags,
        aggregation: patch.aggregation,
        revision: raisesRevision ? sql`${ensembles.revision} + 1` : undefined,
        updatedAt: at,
      };
      const ofEnsemble = eq(ensembleMembers.ensembleId, id);
      const memberWrites = patch.members ? [s.delete(ensembleMembers, ofEnsemble), ...insertMembers(id, patch.members)] : [];
      const work = db.batch([
        s.update(ensembles, set, eq(ensembles.id, id)),
        ...memberWrites,
        s.select(ensembleMembers, { where: ofEnsemble, orderBy: [asc(ensembleMembers.position)] }),
      ]);
      const [[row], ...memberResults] = await writingMembers(
        patch.members ?? [],
        work,
        () => new UnprocessableError(`ensemble ${id}: two members have the same position`, { id }),
      );
      if (!row) return notFound('ensemble', id);
      return toEnsembleRecord(row, memberResults.at(-1) ?? []);
    },

    async deleteEnsemble(id) {
      // Its members go with it (on delete cascade); evaluations keep its name.
      return (await db.run(s.delete(ensembles, eq(ensembles.id, id)))).length > 0;
    },
  };
}
