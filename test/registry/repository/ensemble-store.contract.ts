// The EnsembleStore contract (ensembles with their members, and the name namespace they share with
// models): every SQL driver must pass it.
import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { ConflictError, NotFoundError, UnprocessableError } from '../../../src/registry/errors';
import type { ModelVersionRecord } from '../../../src/registry/records';
import { type ContractOptions, describeContract, type StoreDriver } from './contract-suite';
import { membersOf, newEnsemble, newModel, newVersion, T1, T2 } from './fixtures';

export function tests(driver: StoreDriver, options: ContractOptions = {}): void {
  describeContract('EnsembleStore', driver, options, (test, repo) => {
    /** `count` versions of one new model. */
    async function memberVersions(count: number): Promise<ModelVersionRecord[]> {
      const model = await repo.createModel(newModel());
      const versions: ModelVersionRecord[] = [];
      for (let i = 0; i < count; i++) versions.push(await repo.createVersion(newVersion(model.id)));
      return versions;
    }

    describe('ensembles', () => {
      test('creates an ensemble at revision 1 and reads it back by name with its members in order', async () => {
        const [a, b] = await memberVersions(2);
        const members = [
          { position: 0, modelId: b!.modelId, versionId: b!.id, alias: 'production', weight: 2.5 },
          { position: 1, modelId: a!.modelId, versionId: a!.id, alias: null, weight: 0.5 },
        ];
        const input = newEnsemble(members, { description: 'two teachers', aggregation: 'mean-logits', tags: { team: 'vision', 'émoji': '🧪' } });
        const created = await repo.createEnsemble(input);
        expect(created).toEqual({ ...input, revision: 1, updatedAt: input.createdAt });
        expect(await repo.getEnsembleByName(input.name)).toEqual(created);
        expect(await repo.getEnsembleByName(`absent-${randomUUID()}`)).toBeNull();
      });

      test('lists ensembles by name, page by page, with the total count and their members', async () => {
        const versions = await memberVersions(1);
        const before = await repo.listEnsembles({ limit: 1, offset: 0 });
        const prefix = `page-${randomUUID().slice(0, 8)}`;
        for (const suffix of ['c', 'a', 'b']) await repo.createEnsemble(newEnsemble(membersOf(versions), { name: `${prefix}-${suffix}` }));
        const all = await repo.listEnsembles({ limit: 10_000, offset: 0 });
        expect(all.total).toBe(before.total + 3);
        const names = all.items.map((ensemble) => ensemble.name);
        expect(names).toEqual([...names].sort());
        const mine = all.items.filter((ensemble) => ensemble.name.startsWith(prefix));
        expect(mine.map((ensemble) => ensemble.name)).toEqual([`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]);
        expect(mine.every((ensemble) => ensemble.members[0]?.versionId === versions[0]!.id && ensemble.members.length === 1)).toBe(true);
        const page = await repo.listEnsembles({ limit: 2, offset: 1 });
        expect(page.total).toBe(all.total);
        expect(page.items).toEqual(all.items.slice(1, 3));
      });

      test('refuses a second ensemble with the same name and keeps the first unchanged', async () => {
        const versions = await memberVersions(2);
        const first = await repo.createEnsemble(newEnsemble(membersOf(versions.slice(0, 1))));
        const duplicate = newEnsemble(membersOf(versions.slice(1)), { name: first.name });
        await expect(repo.createEnsemble(duplicate)).rejects.toBeInstanceOf(ConflictError);
        expect(await repo.getEnsembleByName(first.name)).toEqual(first);
      });

      test('refuses members naming a version that does not exist, and stores nothing', async () => {
        const [version] = await memberVersions(1);
        const orphan = { position: 1, modelId: version!.modelId, versionId: randomUUID(), alias: null, weight: 1 };
        const input = newEnsemble([...membersOf([version!]), orphan]);
        const refused = await repo.createEnsemble(input).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(UnprocessableError);
        expect((refused as UnprocessableError).details).toMatchObject({ missingVersionIds: [orphan.versionId], missingModelIds: [] });
        expect(await repo.getEnsembleByName(input.name)).toBeNull();
      });

      test('patches description and tags without raising the revision', async () => {
        const ensemble = await repo.createEnsemble(newEnsemble(membersOf(await memberVersions(1)), { description: 'before' }));
        const patched = await repo.updateEnsemble(ensemble.id, { description: 'after', tags: { b: '2' } }, T1);
        expect(patched).toEqual({ ...ensemble, description: 'after', tags: { b: '2' }, updatedAt: T1 });
        expect(await repo.getEnsembleByName(ensemble.name)).toEqual(patched);
      });

      test('raises the revision when the aggregation or the members are patched; members replace all of them', async () => {
        const [a, b, c] = await memberVersions(3);
        const ensemble = await repo.createEnsemble(newEnsemble(membersOf([a!, b!])));
        const voting = await repo.updateEnsemble(ensemble.id, { aggregation: 'majority-vote' }, T1);
        expect(voting).toEqual({ ...ensemble, aggregation: 'majority-vote', revision: 2, updatedAt: T1 });
        const replaced = [{ position: 0, modelId: c!.modelId, versionId: c!.id, alias: 'latest', weight: 3 }];
        const reduced = await repo.updateEnsemble(ensemble.id, { members: replaced }, T2);
        expect(reduced).toEqual({ ...voting, members: replaced, revision: 3, updatedAt: T2 });
        expect(await repo.getEnsembleByName(ensemble.name)).toEqual(reduced);
      });

      test('refuses replacement members naming a version that does not exist, and keeps the ensemble as it was', async () => {
        const [version] = await memberVersions(1);
        const ensemble = await repo.createEnsemble(newEnsemble(membersOf([version!])));
        const orphan = [{ position: 0, modelId: version!.modelId, versionId: randomUUID(), alias: null, weight: 1 }];
        await expect(repo.updateEnsemble(ensemble.id, { members: orphan, description: 'x' }, T1)).rejects.toBeInstanceOf(UnprocessableError);
        expect(await repo.getEnsembleByName(ensemble.name)).toEqual(ensemble);
      });

      test('throws NotFoundError when updating an ensemble that does not exist, with or without members', async () => {
        const members = membersOf(await memberVersions(1));
        await expect(repo.updateEnsemble(randomUUID(), { description: 'x' }, T1)).rejects.toBeInstanceOf(NotFoundError);
        await expect(repo.updateEnsemble(randomUUID(), { members }, T1)).rejects.toBeInstanceOf(NotFoundError);
      });

      test('deletes an ensemble with its members, so its versions can be deleted after it', async () => {
        const [version] = await memberVersions(1);
        const ensemble = await repo.createEnsemble(newEnsemble(membersOf([version!])));
        expect(await repo.deleteEnsemble(ensemble.id)).toBe(true);
        expect(await repo.getEnsembleByName(ensemble.name)).toBeNull();
        expect(await repo.deleteEnsemble(ensemble.id)).toBe(false);
        await repo.deleteVersion(version!.id);
        expect(await repo.getVersionsByIds([version!.id])).toEqual([]);
      });
    });

    describe('names shared with models', () => {
      test('refuses an ensemble named like a model, and a model named like an ensemble, storing neither', async () => {
        const versions = await memberVersions(1);
        const model = await repo.createModel(newModel());
        const clashing = newEnsemble(membersOf(versions), { name: model.name });
        await expect(repo.createEnsemble(clashing)).rejects.toBeInstanceOf(ConflictError);
        expect(await repo.getEnsembleByName(model.name)).toBeNull();

        const ensemble = await repo.createEnsemble(newEnsemble(membersOf(versions)));
        await expect(repo.createModel(newModel({ name: ensemble.name }))).rejects.toBeInstanceOf(ConflictError);
        expect(await repo.getModelByName(ensemble.name)).toBeNull();
        expect(await repo.getEnsembleByName(ensemble.name)).toEqual(ensemble);
      });

      test('lets exactly one of a model and an ensemble created at once under one name have it, over two connections', async () => {
        const other = await driver.open();
        try {
          const versions = await memberVersions(1);
          for (let round = 0; round < 8; round++) {
            const name = `race-${randomUUID()}`;
            const outcomes = await Promise.allSettled([
              (round % 2 === 0 ? repo : other).createModel(newModel({ name })),
              (round % 2 === 0 ? other : repo).createEnsemble(newEnsemble(membersOf(versions), { name })),
            ]);
            const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
            expect(won).toHaveLength(1);
            const lost = outcomes.find((outcome) => outcome.status === 'rejected');
            expect((lost as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
            const stored = [await repo.getModelByName(name), await repo.getEnsembleByName(name)].filter((found) => found !== null);
            expect(stored).toHaveLength(1);
          }
        } finally {
          await other.close();
        }
      });
    });
  });
}
