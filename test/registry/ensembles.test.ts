// Resolving an ensemble's members against a real SQLite file: fixed versions, aliases and `latest`
// followed as they are now, normalised weights, and members that resolve to nothing or to an
// archived version refused by name.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteRepository } from '../../src/registry/adapters/sql';
import { resolveEnsembleMembers } from '../../src/registry/ensembles';
import { UnprocessableError } from '../../src/registry/errors';
import type { Repository } from '../../src/registry/ports';
import type { EnsembleRecord, ModelRecord, ModelVersionRecord } from '../../src/registry/records';
import { newEnsemble, newModel, newVersion, T1 } from './repository/fixtures';

let dir: string;
let repo: Repository;
let model: ModelRecord;
let v1: ModelVersionRecord;
let v2: ModelVersionRecord;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'distillery-ensembles-'));
  repo = await openSqliteRepository({ file: join(dir, 'registry.sqlite') });
  model = await repo.createModel(newModel());
  v1 = await repo.createVersion(newVersion(model.id));
  v2 = await repo.createVersion(newVersion(model.id));
  await repo.setAlias({ modelId: model.id, alias: 'production', versionId: v1.id, updatedAt: T1 });
});

afterEach(async () => {
  await repo.close();
  await rm(dir, { recursive: true, force: true });
});

/** An ensemble of a fixed v2 (weight 1) and whatever `ref` names (weight 3). */
function ensembleFollowing(ref: string): Promise<EnsembleRecord> {
  return repo.createEnsemble(
    newEnsemble([
      { position: 1, modelId: model.id, versionId: v1.id, alias: ref, weight: 3 },
      { position: 0, modelId: model.id, versionId: v2.id, alias: null, weight: 1 },
    ]),
  );
}

describe('resolveEnsembleMembers', () => {
  it('resolves fixed and alias members in position order, with weights normalised to sum 1', async () => {
    const resolved = await resolveEnsembleMembers(repo, await ensembleFollowing('production'));
    expect(resolved.map(({ position, model: { id }, version, alias, weight, normalizedWeight }) => ({ position, id, version: version.id, alias, weight, normalizedWeight }))).toEqual([
      { position: 0, id: model.id, version: v2.id, alias: null, weight: 1, normalizedWeight: 0.25 },
      { position: 1, id: model.id, version: v1.id, alias: 'production', weight: 3, normalizedWeight: 0.75 },
    ]);
  });

  it('follows an alias that moved, and `latest` to the newest active version', async () => {
    const aliased = await ensembleFollowing('production');
    await repo.setAlias({ modelId: model.id, alias: 'production', versionId: v2.id, updatedAt: T1 });
    expect((await resolveEnsembleMembers(repo, aliased))[1]!.version.id).toBe(v2.id);
    const latest = await ensembleFollowing('latest');
    const v3 = await repo.createVersion(newVersion(model.id));
    expect((await resolveEnsembleMembers(repo, latest))[1]!.version.id).toBe(v3.id);
  });

  it('refuses, naming the member, an alias that names nothing now and a version that is archived', async () => {
    const aliased = await ensembleFollowing('production');
    await repo.deleteAlias(model.id, 'production');
    const gone = await resolveEnsembleMembers(repo, aliased).catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(UnprocessableError);
    expect((gone as UnprocessableError).details).toMatchObject({ ensemble: aliased.name, position: 1, alias: 'production' });

    await repo.updateVersion(v2.id, { status: 'archived' }, T1);
    const archived = await resolveEnsembleMembers(repo, aliased).catch((error: unknown) => error);
    expect(archived).toBeInstanceOf(UnprocessableError);
    expect((archived as UnprocessableError).details).toMatchObject({ position: 0, alias: null });
    expect((archived as Error).message).toContain('archived');
  });
});
