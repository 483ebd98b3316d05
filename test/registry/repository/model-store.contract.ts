// The ModelStore contract (models, versions, aliases, lineage): every SQL driver must pass it.
import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { ConflictError, NotFoundError, UnprocessableError } from '../../../src/registry/errors';
import type { NewLineageEdge, NewModel } from '../../../src/registry/ports';
import type { ModelRecord, ModelVersionRecord } from '../../../src/registry/records';
import { type ContractOptions, describeContract, type StoreDriver } from './contract-suite';
import { membersOf, newDataset, newEnsemble, newModel, newVersion, T0, T1, T2, teacherEdge } from './fixtures';

export function tests(driver: StoreDriver, options: ContractOptions = {}): void {
  describeContract('ModelStore', driver, options, (test, repo) => {
    const { executeSql, open } = driver;

    /** A model with a name no other test uses, so tests share one database without seeing each other. */
    async function freshModel(overrides: Partial<NewModel> = {}): Promise<ModelRecord> {
      return repo.createModel(newModel(overrides));
    }

    async function createVersions(model: ModelRecord, count: number): Promise<ModelVersionRecord[]> {
      const created: ModelVersionRecord[] = [];
      for (let i = 0; i < count; i++) created.push(await repo.createVersion(newVersion(model.id)));
      return created;
    }

    describe('models', () => {
      test('creates a model and reads it back by name with its JSON fields intact', async () => {
        const model = newModel({
          inputShape: [32, 32, 3],
          classLabels: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
          tags: { team: 'vision', 'paper-ref': 'Hinton et al. 2015', note: 'ünïcødé "quoted" \\ slash' },
        });
        const created = await repo.createModel(model);
        expect(created).toEqual({ ...model, updatedAt: model.createdAt });
        expect(await repo.getModelByName(model.name)).toEqual(created);
        expect(await repo.getModelByName(`absent-${randomUUID()}`)).toBeNull();
      });

      test('refuses a second model with the same name and keeps the first unchanged', async () => {
        const first = await freshModel({ description: 'the first' });
        const duplicate = repo.createModel(newModel({ name: first.name, description: 'the second' }));
        await expect(duplicate).rejects.toBeInstanceOf(ConflictError);
        expect(await repo.getModelByName(first.name)).toEqual(first);
      });

      test('patches description and tags, stamps updatedAt, and leaves unpatched fields alone', async () => {
        const model = await freshModel({ description: 'before', tags: { a: '1' } });
        const described = await repo.updateModel(model.id, { description: 'after' }, T1);
        expect(described).toEqual({ ...model, description: 'after', updatedAt: T1 });
        const tagged = await repo.updateModel(model.id, { tags: { b: '2' } }, T2);
        expect(tagged).toEqual({ ...model, description: 'after', tags: { b: '2' }, updatedAt: T2 });
        expect(await repo.getModelByName(model.name)).toEqual(tagged);
      });

      test('throws NotFoundError when updating a model that does not exist', async () => {
        await expect(repo.updateModel(randomUUID(), { description: 'x' }, T1)).rejects.toBeInstanceOf(NotFoundError);
      });

      test('lists models by name, page by page, with the total count', async () => {
        const before = await repo.listModels({}, { limit: 1, offset: 0 });
        const prefix = `page-${randomUUID().slice(0, 8)}`;
        for (const suffix of ['c', 'a', 'b']) await freshModel({ name: `${prefix}-${suffix}` });

        const all = await repo.listModels({}, { limit: 10_000, offset: 0 });
        expect(all.total).toBe(before.total + 3);
        expect(all.items).toHaveLength(all.total);
        const names = all.items.map((model) => model.name);
        expect(names).toEqual([...names].sort());
        expect(names.filter((name) => name.startsWith(prefix))).toEqual([`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]);

        const pages: string[] = [];
        for (let offset = 0; offset < all.total; offset += 2) {
          const page = await repo.listModels({}, { limit: 2, offset });
          expect(page.total).toBe(all.total);
          expect(page.items.length).toBeLessThanOrEqual(2);
          pages.push(...page.items.map((model) => model.name));
        }
        expect(pages).toEqual(names);
        expect((await repo.listModels({}, { limit: 2, offset: all.total })).items).toEqual([]);
      });

      test('filters by a case-insensitive substring of the name or the description, and counts the matches', async () => {
        const token = randomUUID().slice(0, 8);
        const named = await freshModel({ name: `find-${token}-teacher`, description: 'no match here' });
        const described = await freshModel({ name: `other-${randomUUID()}`, description: `The Big ${token.toUpperCase()} Student` });
        await freshModel({ name: `unrelated-${randomUUID()}`, description: 'nothing to see' });
        const names = async (q: string, page = { limit: 10_000, offset: 0 }) => {
          const found = await repo.listModels({ q }, page);
          return { names: found.items.map((model) => model.name), total: found.total };
        };

        // Upper-case query against lower-case names, lower-case query against an upper-case description.
        expect(await names(token.toUpperCase())).toEqual({ names: [described.name, named.name].sort(), total: 2 });
        expect(await names(`big ${token} student`)).toEqual({ names: [described.name], total: 1 });
        expect(await names(`${token}-TEACHER`)).toEqual({ names: [named.name], total: 1 });
        // `total` counts the filtered set, not the page.
        const [firstName] = [described.name, named.name].sort();
        expect(await names(token, { limit: 1, offset: 0 })).toEqual({ names: [firstName], total: 2 });
        expect(await names(`absent-${randomUUID()}`)).toEqual({ names: [], total: 0 });
      });

      test('matches %, _ and backslash in the query literally, and non-ASCII text as written', async () => {
        const token = randomUUID().slice(0, 8);
        const underscore = await freshModel({ name: `lit-${token}-a_b` });
        await freshModel({ name: `lit-${token}-axb` });
        const percent = await freshModel({ description: `${token} is 100% sure` });
        await freshModel({ description: `${token} is 100 sure` });
        const backslash = await freshModel({ description: `${token} C:\\path\\to` });
        await freshModel({ description: `${token} C:path` });
        const unicode = await freshModel({ description: `${token} Ünïcødé Straße` });
        const names = async (q: string) => (await repo.listModels({ q }, { limit: 10_000, offset: 0 })).items.map((model) => model.name);

        expect(await names(`${token}-a_b`)).toEqual([underscore.name]);
        expect(await names(`${token} is 100%`)).toEqual([percent.name]);
        expect(await names(`${token}%sure`)).toEqual([]);
        expect(await names(`${token} C:\\`)).toEqual([backslash.name]);
        expect(await names(`${token} C:\\path\\to`)).toEqual([backslash.name]);
        expect(await names(`${token} Ünïcødé Straße`)).toEqual([unicode.name]);
      });
    });

    describe('versions', () => {
      test('numbers versions 1, 2, 3 per model, independently for each model', async () => {
        const [first, second] = [await freshModel(), await freshModel()];
        const numbers = (await createVersions(first, 3)).map((version) => version.version);
        expect(numbers).toEqual([1, 2, 3]);
        expect((await repo.createVersion(newVersion(second.id))).version).toBe(1);
        expect((await repo.createVersion(newVersion(first.id))).version).toBe(4);
      });

      test('stores a version and returns it whole: blob refs, JSON params, metrics and tags', async () => {
        const model = await freshModel();
        const input = newVersion(model.id, {
          description: 'distilled from the ensemble',
          weights: { key: `models/${model.name}/1/weights.bin`, sha256: 'b'.repeat(64), size: 5_000_000_000 },
          params: { optimizer: { name: 'adam', lr: 0.001 }, epochs: 30, augment: ['flip', 'crop'], seed: null, soft: true },
          metrics: { test_accuracy: 0.8907, val_loss: 0.3312345678901234 },
          tags: { stage: 'candidate', 'émoji': '🧪' },
        });
        const created = await repo.createVersion(input);
        const { parents: _parents, ...fields } = input;
        expect(created).toEqual({ ...fields, version: 1, status: 'active', archivedAt: null });
        expect(await repo.getVersion(model.id, 1)).toEqual(created);
        expect(await repo.getVersion(model.id, 2)).toBeNull();
        expect(await repo.getVersion(randomUUID(), 1)).toBeNull();
      });

      test('gets versions by ids, skipping ids that do not exist', async () => {
        const model = await freshModel();
        const [v1, , v3] = await createVersions(model, 3);
        const found = await repo.getVersionsByIds([v3!.id, randomUUID(), v1!.id]);
        expect(found.map((version) => version.id).sort()).toEqual([v1!.id, v3!.id].sort());
        expect(found.find((version) => version.id === v3!.id)).toEqual(v3);
        expect(await repo.getVersionsByIds([])).toEqual([]);
      });

      test('finds models by id, leaving out unknown ids', async () => {
        const [a, b] = [await freshModel(), await freshModel()];
        const found = await repo.getModelsByIds([b.id, randomUUID(), a.id, a.id]);
        expect(found.map((model) => model.id).sort()).toEqual([a.id, b.id].sort());
        expect(found.find((model) => model.id === a.id)).toEqual(a);
        expect(await repo.getModelsByIds([])).toEqual([]);
      });

      test('throws NotFoundError when the model of a new version does not exist', async () => {
        await expect(repo.createVersion(newVersion(randomUUID()))).rejects.toBeInstanceOf(NotFoundError);
      });

      test('lists versions newest first, hiding archived ones unless asked, with totals and pages', async () => {
        const model = await freshModel();
        const versions = await createVersions(model, 5);
        await repo.updateVersion(versions[1]!.id, { status: 'archived' }, T1);
        await repo.updateVersion(versions[3]!.id, { status: 'archived' }, T1);

        const active = await repo.listVersions(model.id, { includeArchived: false }, { limit: 10, offset: 0 });
        expect(active.total).toBe(3);
        expect(active.items.map((version) => version.version)).toEqual([5, 3, 1]);

        const all = await repo.listVersions(model.id, { includeArchived: true }, { limit: 10, offset: 0 });
        expect(all.total).toBe(5);
        expect(all.items.map((version) => version.version)).toEqual([5, 4, 3, 2, 1]);
        expect(all.items.find((version) => version.version === 4)).toMatchObject({ status: 'archived', archivedAt: T1 });

        const page = await repo.listVersions(model.id, { includeArchived: true }, { limit: 2, offset: 2 });
        expect(page).toEqual({ items: all.items.slice(2, 4), total: 5 });
        const activePage = await repo.listVersions(model.id, { includeArchived: false }, { limit: 2, offset: 2 });
        expect(activePage.items.map((version) => version.version)).toEqual([1]);
        expect(activePage.total).toBe(3);
      });

      test("gives each model's highest active version number, leaving out models with none", async () => {
        const [several, topArchived, allArchived, none] = [await freshModel(), await freshModel(), await freshModel(), await freshModel()];
        await createVersions(several, 3);
        const archivedTop = await createVersions(topArchived, 4);
        await repo.updateVersion(archivedTop[3]!.id, { status: 'archived' }, T1);
        await repo.updateVersion(archivedTop[2]!.id, { status: 'archived' }, T1);
        const [only] = await createVersions(allArchived, 1);
        await repo.updateVersion(only!.id, { status: 'archived' }, T1);

        const ids = [several.id, topArchived.id, allArchived.id, none.id, randomUUID(), several.id];
        const latest = await repo.latestVersionNumbers(ids);
        const byModel = (entries: typeof latest) => [...entries].sort((a, b) => a.modelId.localeCompare(b.modelId));
        expect(byModel(latest)).toEqual(byModel([
          { modelId: several.id, version: 3 },
          { modelId: topArchived.id, version: 2 },
        ]));
        expect(await repo.latestVersionNumbers([])).toEqual([]);

        // Reactivating the top version makes it the latest again.
        await repo.updateVersion(archivedTop[3]!.id, { status: 'active' }, T2);
        expect(await repo.latestVersionNumbers([topArchived.id])).toEqual([{ modelId: topArchived.id, version: 4 }]);
      });

      test('returns a version unchanged for an empty patch, and refuses a patch of an unknown version', async () => {
        const model = await freshModel();
        const [version] = await createVersions(model, 1);
        expect(await repo.updateVersion(version!.id, {}, T1)).toEqual(version);
        await repo.updateVersion(version!.id, { status: 'archived' }, T1);
        expect(await repo.updateVersion(version!.id, {}, T2)).toEqual({ ...version, status: 'archived', archivedAt: T1 });
        await expect(repo.updateVersion(randomUUID(), {}, T1)).rejects.toBeInstanceOf(NotFoundError);
      });

      test('archives (keeping the first archive time), reactivates, and patches description and tags', async () => {
        const model = await freshModel();
        const [version] = await createVersions(model, 1);
        const archived = await repo.updateVersion(version!.id, { status: 'archived' }, T1);
        expect(archived).toEqual({ ...version, status: 'archived', archivedAt: T1 });
        const archivedAgain = await repo.updateVersion(version!.id, { status: 'archived', description: 'old' }, T2);
        expect(archivedAgain).toEqual({ ...version, status: 'archived', archivedAt: T1, description: 'old' });
        const reactivated = await repo.updateVersion(version!.id, { status: 'active', tags: { back: 'yes' } }, T2);
        expect(reactivated).toEqual({ ...version, description: 'old', tags: { back: 'yes' }, status: 'active', archivedAt: null });
        expect(await repo.getVersion(model.id, 1)).toEqual(reactivated);
        await expect(repo.updateVersion(randomUUID(), { description: 'x' }, T1)).rejects.toBeInstanceOf(NotFoundError);
      });

      test('refuses to delete a version an ensemble still uses, and keeps it', async () => {
        const model = await freshModel();
        const [member] = await createVersions(model, 1);
        await repo.createEnsemble(newEnsemble(membersOf([member!])));
        await expect(repo.deleteVersion(member!.id)).rejects.toBeInstanceOf(ConflictError);
        expect(await repo.getVersion(model.id, 1)).toEqual(member);
      });
    });

    describe('lineage', () => {
      test('records parent edges with the new version and lists them in both directions', async () => {
        const dataset = await repo.createDataset(newDataset());
        const teachers = await freshModel();
        const [t1, t2, t3] = await createVersions(teachers, 3);
        const student = await freshModel();
        const edge = (parent: ModelVersionRecord, weight: number): NewLineageEdge => ({
          parentVersionId: parent.id,
          relation: 'teacher',
          weight,
          method: 'knowledge-distillation',
          params: { temperature: 4, alpha: 0.1, aggregation: 'mean-probabilities', schedule: { epochs: [10, 20] } },
          runId: null,
          datasetId: dataset.id,
        });
        const child = await repo.createVersion(newVersion(student.id, { parents: [edge(t1!, 0.5), edge(t2!, 0.25), edge(t3!, 0.25)] }));
        const selfDistilled = await repo.createVersion(
          newVersion(student.id, {
            parents: [
              { parentVersionId: child.id, relation: 'teacher', weight: null, method: 'self-distillation', params: {}, runId: null, datasetId: null },
              { parentVersionId: child.id, relation: 'init', weight: null, method: null, params: {}, runId: null, datasetId: null },
            ],
          }),
        );

        const parents = await repo.listParentEdges([child.id]);
        expect(parents).toHaveLength(3);
        for (const [parent, weight] of [[t1!, 0.5], [t2!, 0.25], [t3!, 0.25]] as const) {
          const stored = parents.find((e) => e.parentVersionId === parent.id);
          expect(stored).toEqual({ ...edge(parent, weight), id: expect.any(String), childVersionId: child.id, createdAt: child.createdAt });
        }
        expect(new Set(parents.map((e) => e.id)).size).toBe(3);

        const children = await repo.listChildEdges([t1!.id, t2!.id]);
        expect(children.map((e) => [e.parentVersionId, e.childVersionId]).sort()).toEqual(
          [[t1!.id, child.id], [t2!.id, child.id]].sort(),
        );
        const grandchildren = await repo.listChildEdges([child.id]);
        expect(grandchildren.map((e) => e.relation).sort()).toEqual(['init', 'teacher']);
        expect(grandchildren.every((e) => e.childVersionId === selfDistilled.id)).toBe(true);
        expect(await repo.listParentEdges([t1!.id])).toEqual([]);
        expect(await repo.listChildEdges([])).toEqual([]);
        expect((await repo.listParentEdges([child.id, selfDistilled.id])).length).toBe(5);
      });

      test('refuses a missing parent with UnprocessableError naming it, and writes nothing', async () => {
        const model = await freshModel();
        const [existing] = await createVersions(model, 1);
        const missing = randomUUID();
        const attempt = repo.createVersion(
          newVersion(model.id, { parents: [teacherEdge(existing!.id), teacherEdge(missing)] }),
        );
        const error = await attempt.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UnprocessableError);
        expect((error as UnprocessableError).message).toContain(missing);
        expect((error as UnprocessableError).details).toEqual({ missingParentVersionIds: [missing] });

        const listed = await repo.listVersions(model.id, { includeArchived: true }, { limit: 10, offset: 0 });
        expect(listed.total).toBe(1);
        expect(await repo.listChildEdges([existing!.id])).toEqual([]);
        // The failed attempt did not use up a number.
        expect((await repo.createVersion(newVersion(model.id))).version).toBe(2);
      });

      test('refuses a source run that does not exist, and writes nothing', async () => {
        const model = await freshModel();
        const runId = randomUUID();
        const error = await repo.createVersion(newVersion(model.id, { sourceRunId: runId })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UnprocessableError);
        expect((error as UnprocessableError).details).toEqual({ missingRunIds: [runId] });
        expect((await repo.listVersions(model.id, { includeArchived: true }, { limit: 10, offset: 0 })).total).toBe(0);
      });

      test('refuses a parent listed twice with one relation, or a dataset that does not exist', async () => {
        const model = await freshModel();
        const [parent] = await createVersions(model, 1);
        const twice = newVersion(model.id, { parents: [teacherEdge(parent!.id), teacherEdge(parent!.id)] });
        await expect(repo.createVersion(twice)).rejects.toBeInstanceOf(UnprocessableError);

        const datasetId = randomUUID();
        const unknownDataset = newVersion(model.id, { parents: [{ ...teacherEdge(parent!.id), datasetId }] });
        const error = await repo.createVersion(unknownDataset).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UnprocessableError);
        expect((error as UnprocessableError).details).toEqual({ missingDatasetIds: [datasetId] });
        expect((await repo.listVersions(model.id, { includeArchived: true }, { limit: 10, offset: 0 })).total).toBe(1);
      });

      test('refuses to delete a version with descendants and leaves everything as it was', async () => {
        const model = await freshModel();
        const [parent] = await createVersions(model, 1);
        const child = await repo.createVersion(newVersion(model.id, { parents: [teacherEdge(parent!.id)] }));
        await repo.setAlias({ modelId: model.id, alias: 'production', versionId: parent!.id, updatedAt: T1 });

        const error = await repo.deleteVersion(parent!.id).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConflictError);
        expect((error as ConflictError).details).toEqual({ childVersionIds: [child.id] });
        expect(await repo.getVersion(model.id, 1)).toEqual(parent);
        expect(await repo.getAlias(model.id, 'production')).toMatchObject({ versionId: parent!.id });
        expect((await repo.listChildEdges([parent!.id])).map((e) => e.childVersionId)).toEqual([child.id]);
      });

      test('deletes a leaf version with its aliases and parent edges, and never reuses its number', async () => {
        const model = await freshModel();
        const [parent] = await createVersions(model, 1);
        const child = await repo.createVersion(newVersion(model.id, { parents: [teacherEdge(parent!.id)] }));
        await repo.setAlias({ modelId: model.id, alias: 'candidate', versionId: child.id, updatedAt: T1 });

        await repo.deleteVersion(child.id);
        expect(await repo.getVersion(model.id, 2)).toBeNull();
        expect(await repo.getAlias(model.id, 'candidate')).toBeNull();
        expect(await repo.listChildEdges([parent!.id])).toEqual([]);
        expect((await repo.createVersion(newVersion(model.id))).version).toBe(3);

        // With its only child gone, the parent may go too.
        await repo.deleteVersion(parent!.id);
        expect(await repo.getVersion(model.id, 1)).toBeNull();
        await expect(repo.deleteVersion(parent!.id)).rejects.toBeInstanceOf(NotFoundError);
      });
    });

    describe('aliases', () => {
      test('sets, moves, lists and deletes aliases', async () => {
        const model = await freshModel();
        const [v1, v2] = await createVersions(model, 2);
        const production = { modelId: model.id, alias: 'production', versionId: v1!.id, updatedAt: T0 };
        expect(await repo.setAlias(production)).toEqual(production);
        expect(await repo.getAlias(model.id, 'production')).toEqual(production);

        const moved = { ...production, versionId: v2!.id, updatedAt: T1 };
        expect(await repo.setAlias(moved)).toEqual(moved);
        expect(await repo.getAlias(model.id, 'production')).toEqual(moved);

        const canary = { modelId: model.id, alias: 'canary', versionId: v1!.id, updatedAt: T2 };
        await repo.setAlias(canary);
        expect(await repo.listAliases(model.id)).toEqual([canary, moved]);

        expect(await repo.deleteAlias(model.id, 'production')).toBe(true);
        expect(await repo.deleteAlias(model.id, 'production')).toBe(false);
        expect(await repo.getAlias(model.id, 'production')).toBeNull();
        expect(await repo.listAliases(model.id)).toEqual([canary]);
      });

      test('lists the aliases of several models at once, by model and alias', async () => {
        const [first, second, bare] = [await freshModel(), await freshModel(), await freshModel()];
        const [a1, a2] = await createVersions(first, 2);
        const [b1] = await createVersions(second, 1);
        await createVersions(bare, 1);
        const aliasesSet = [
          { modelId: first.id, alias: 'staging', versionId: a2!.id, updatedAt: T1 },
          { modelId: first.id, alias: 'production', versionId: a1!.id, updatedAt: T0 },
          { modelId: second.id, alias: 'production', versionId: b1!.id, updatedAt: T2 },
        ];
        for (const alias of aliasesSet) await repo.setAlias(alias);

        const listed = await repo.listAliasesOfModels([second.id, first.id, bare.id, randomUUID(), first.id]);
        // The database orders ids by code point (as the other listings assume), not by locale.
        const key = (alias: { modelId: string; alias: string }) => `${alias.modelId} ${alias.alias}`;
        const expected = [...aliasesSet].sort((a, b) => (key(a) < key(b) ? -1 : 1));
        expect(listed).toEqual(expected);
        expect(await repo.listAliasesOfModels([bare.id])).toEqual([]);
        expect(await repo.listAliasesOfModels([])).toEqual([]);
      });

      test("refuses an alias to another model's version", async () => {
        const [mine, theirs] = [await freshModel(), await freshModel()];
        const [foreign] = await createVersions(theirs, 1);
        const alias = { modelId: mine.id, alias: 'production', versionId: foreign!.id, updatedAt: T0 };
        await expect(repo.setAlias(alias)).rejects.toBeInstanceOf(UnprocessableError);
        expect(await repo.listAliases(mine.id)).toEqual([]);
      });
    });

    describe('references to rows no store creates yet', () => {
      async function insertRun(): Promise<string> {
        const id = randomUUID();
        await executeSql(
          `insert into runs (id, kind, spec, status, attempt, max_attempts, fencing_token, created_at, updated_at)
           values ('${id}', 'distill', '{"epochs": 3}', 'succeeded', 1, 3, 1, '${T0}', '${T0}')`,
        );
        return id;
      }
      test('accepts a run that exists as the source of a version and on its edges', async () => {
        const runId = await insertRun();
        const model = await freshModel();
        const [teacher] = await createVersions(model, 1);
        const student = await repo.createVersion(
          newVersion(model.id, { sourceRunId: runId, parents: [{ ...teacherEdge(teacher!.id), runId }] }),
        );
        expect(await repo.getVersion(model.id, 2)).toEqual(student);
        expect((await repo.listParentEdges([student.id]))[0]).toMatchObject({ runId, parentVersionId: teacher!.id });
      });

      test('registers at most one version per source run: a second is a ConflictError and takes no number', async () => {
        const runId = await insertRun();
        const model = await freshModel();
        const first = await repo.createVersion(newVersion(model.id, { sourceRunId: runId }));
        await expect(repo.createVersion(newVersion(model.id, { sourceRunId: runId }))).rejects.toBeInstanceOf(ConflictError);
        expect((await repo.listVersions(model.id, { includeArchived: true }, { limit: 10, offset: 0 })).items).toEqual([first]);
        expect((await repo.createVersion(newVersion(model.id))).version).toBe(first.version + 1);
      });
    });

    describe('one database, several connections', () => {
      test('gives concurrent creators distinct, gapless version numbers', async () => {
        const other = await open();
        try {
          const model = await freshModel();
          const creations = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? repo : other).createVersion(newVersion(model.id)));
          const numbers = (await Promise.all(creations)).map((version) => version.version);
          expect([...numbers].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        } finally {
          await other.close();
        }
      });

      test('opens the same database again (migrations already applied) and sees the data written', async () => {
        const model = await freshModel();
        const [version] = await createVersions(model, 1);
        const reopened = await open();
        try {
          expect(await reopened.getModelByName(model.name)).toEqual(model);
          expect(await reopened.getVersion(model.id, 1)).toEqual(version);
        } finally {
          await reopened.close();
        }
      });
    });
  });
}
