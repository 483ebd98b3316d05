// Ensembles over real HTTP: create, read, list, patch (revisions), delete; every refusal a 422
// naming the member's field with nothing stored; the name namespace shared with models; an alias
// member that moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadVersion } from '../../openapi/client';
import type { components } from '../../openapi/schema';
import { denseArtifactWithShape, uploadForm } from '../support/artifacts';
import { createManualClock } from '../support/clock';
import { startTestServer, type TestServer } from '../support/server';
import { addVersion, createModel } from './typed-requests';

type CreateEnsemble = components['schemas']['CreateEnsemble'];
type MemberInput = components['schemas']['EnsembleMemberInput'];

const clock = createManualClock();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock });
  await createModel(server, 'teacher-a');
  await createModel(server, 'teacher-b');
  for (let i = 0; i < 3; i++) await addVersion(server, 'teacher-a');
  await addVersion(server, 'teacher-b');
  await server.client.PUT('/v1/models/{name}/aliases/{alias}', { params: { path: { name: 'teacher-a', alias: 'production' } }, body: { version: 1 } });
  await server.client.POST('/v1/models/{name}/versions/{version}/archive', { params: { path: { name: 'teacher-a', version: '3' } } });
  // Same outputs, other labels; and another input shape.
  await createModel(server, 'relabelled', { classLabels: ['x', 'y', 'z'] });
  await addVersion(server, 'relabelled');
  await createModel(server, 'wider', { inputShape: [5] });
  const wide = await uploadVersion(server.client, 'wider', uploadForm(await denseArtifactWithShape(5, 3)));
  if (!wide.data) throw new Error(`uploading to wider: ${JSON.stringify(wide.error)}`);
});
afterAll(() => server.close());

const create = (body: CreateEnsemble, idempotencyKey?: string) =>
  server.client.POST('/v1/ensembles', { body, params: idempotencyKey ? { header: { 'Idempotency-Key': idempotencyKey } } : {} });
const read = (name: string) => server.client.GET('/v1/ensembles/{name}', { params: { path: { name } } });
const patch = (name: string, body: components['schemas']['UpdateEnsemble']) =>
  server.client.PATCH('/v1/ensembles/{name}', { params: { path: { name } }, body });
const listAll = async () => (await server.client.GET('/v1/ensembles', { params: { query: { limit: 500 } } })).data!;

const pair: MemberInput[] = [
  { model: 'teacher-a', version: 2 },
  { model: 'teacher-b', version: 'latest', weight: 3 },
];

describe('ensembles', () => {
  it('creates an ensemble (201, Location), reads it back, and lists it by name', async () => {
    const created = await create({ name: 'duo', description: 'two teachers', tags: { team: 'vision' }, members: pair });
    expect(created.response.status).toBe(201);
    expect(created.response.headers.get('location')).toBe('/v1/ensembles/duo');
    const ensemble = created.data!;
    expect(ensemble).toMatchObject({
      name: 'duo',
      description: 'two teachers',
      aggregation: 'mean-probabilities',
      revision: 1,
      tags: { team: 'vision' },
      inputShape: [4],
      classLabels: ['a', 'b', 'c'],
      membersMoved: false,
      createdAt: clock.now().toISOString(),
      updatedAt: clock.now().toISOString(),
    });
    expect(ensemble.members).toEqual([
      expect.objectContaining({ position: 0, model: 'teacher-a', ref: '2', alias: null, weight: 1, normalizedWeight: 0.25, version: 2, writtenVersion: 2, moved: false }),
      expect.objectContaining({ position: 1, model: 'teacher-b', ref: 'latest', alias: 'latest', weight: 3, normalizedWeight: 0.75, version: 1, writtenVersion: 1, moved: false }),
    ]);
    expect((await read('duo')).data).toEqual(ensemble);

    await create({ name: 'aaa-first', members: pair.slice(0, 1) });
    const list = await listAll();
    expect(list.items.map((item) => item.name)).toEqual([...list.items.map((item) => item.name)].sort());
    expect(list.total).toBe(list.items.length);
    expect(list.items.find((item) => item.name === 'duo')).toEqual(ensemble);
    const page = (await server.client.GET('/v1/ensembles', { params: { query: { limit: 1, offset: 1 } } })).data!;
    expect(page).toMatchObject({ total: list.total, limit: 1, offset: 1, items: [list.items[1]] });
  });

  it('replays a create with the same Idempotency-Key', async () => {
    const first = await create({ name: 'replayed', members: pair }, 'ensemble-once');
    const second = await create({ name: 'replayed', members: pair }, 'ensemble-once');
    expect(second.response.status).toBe(201);
    expect(second.response.headers.get('idempotent-replayed')).toBe('true');
    expect(second.data).toEqual(first.data);
  });

  it('refuses bad members with a 422 naming the field, and stores nothing', async () => {
    const before = await listAll();
    const cases: [MemberInput[], string, string][] = [
      [[{ model: 'nobody', version: 1 }], 'members[0].model', 'nobody'],
      [[pair[0]!, { model: 'teacher-b', version: 9 }], 'members[1].version', '9'],
      [[pair[0]!, { model: 'teacher-b', version: 'canary' }], 'members[1].version', 'canary'],
      [[{ model: 'teacher-a', version: 3 }], 'members[0].version', 'archived'],
      [[pair[0]!, { model: 'teacher-a', version: 'production' }, { model: 'teacher-a', version: 1 }], 'members[2].version', 'members[1]'],
      [[pair[0]!, { model: 'relabelled', version: 1 }], 'members[1].model', '["x","y","z"]'],
      [[pair[0]!, { model: 'wider', version: 1 }], 'members[1].model', '[5]'],
    ];
    for (const [members, path, mentioned] of cases) {
      const refused = await create({ name: 'refused', members });
      expect(refused.response.status, path).toBe(422);
      expect(refused.error, path).toMatchObject({ type: 'https://distillery.dev/problems/unprocessable-entity', errors: [expect.objectContaining({ in: 'body', path })] });
      expect(refused.error!.detail, path).toContain(mentioned);
    }
    const shape = await create({ name: 'refused', members: [pair[0]!, { model: 'wider', version: 1 }] });
    // The member and both values.
    expect(shape.error!.detail).toMatch(/members\[1\] \(wider\).*\[5\].*members\[0\] \(teacher-a\).*\[4\]/);

    const weighted = await create({ name: 'refused', aggregation: 'weighted', members: [{ ...pair[0]!, weight: 2 }, { model: 'teacher-b', version: 1 }] });
    expect(weighted.response.status).toBe(422);
    expect(weighted.error).toMatchObject({ errors: [expect.objectContaining({ path: 'members[1].weight' })] });
    for (const weight of [0, -1]) {
      const bad = await create({ name: 'refused', members: [{ ...pair[0]!, weight }] });
      expect(bad.response.status).toBe(422);
      expect(bad.error).toMatchObject({ type: 'https://distillery.dev/problems/validation-error', errors: [expect.objectContaining({ path: 'members[0].weight' })] });
    }
    for (const members of [[], Array.from({ length: 17 }, () => pair[0]!)]) {
      const count = await create({ name: 'refused', members });
      expect(count.response.status).toBe(422);
      expect(count.error).toMatchObject({ errors: [expect.objectContaining({ path: 'members' })] });
    }
    expect((await read('refused')).response.status).toBe(404);
    expect(await listAll()).toEqual(before);
  });

  it('shares names with models: 409 either way, and for a second ensemble of a name', async () => {
    await create({ name: 'shared-name', members: pair });
    const model = await server.client.POST('/v1/models', { body: { name: 'shared-name', task: 'classification', inputShape: [4], classLabels: ['a', 'b', 'c'] } });
    expect(model.response.status).toBe(409);
    expect(model.error).toMatchObject({ type: 'https://distillery.dev/problems/conflict' });
    // The name still answers as the ensemble's TF Serving status (one namespace), not as a model record.
    const named = await server.client.GET('/v1/models/{name}', { params: { path: { name: 'shared-name' } } });
    expect(named.data).not.toHaveProperty('id');
    expect(named.data).toHaveProperty('model_version_status');

    const overModel = await create({ name: 'teacher-a', members: pair });
    expect(overModel.response.status).toBe(409);
    expect(overModel.error!.detail).toContain('model');
    const again = await create({ name: 'shared-name', members: pair.slice(0, 1), description: 'second' });
    expect(again.response.status).toBe(409);
    expect((await read('shared-name')).data!.description).toBe('');
  });

  it('shows an alias member that moved, with the version it resolves to now', async () => {
    await create({ name: 'following', members: [{ model: 'teacher-a', version: 'production' }, { model: 'teacher-b', version: 1 }] });
    expect((await read('following')).data).toMatchObject({ membersMoved: false, members: [{ ref: 'production', version: 1, writtenVersion: 1, moved: false }, { moved: false }] });
    await server.client.PUT('/v1/models/{name}/aliases/{alias}', { params: { path: { name: 'teacher-a', alias: 'production' } }, body: { version: 2 } });
    const moved = (await read('following')).data!;
    expect(moved).toMatchObject({ membersMoved: true, revision: 1, members: [{ ref: 'production', alias: 'production', version: 2, writtenVersion: 1, moved: true }, { moved: false }] });
    expect(moved.members[0]!.versionId).not.toBe(null);
    expect((await listAll()).items.find((item) => item.name === 'following')).toEqual(moved);
    await server.client.PUT('/v1/models/{name}/aliases/{alias}', { params: { path: { name: 'teacher-a', alias: 'production' } }, body: { version: 1 } });
  });

  it('patches: description alone keeps the revision; aggregation and members raise it; an unchanged patch changes nothing', async () => {
    const created = (await create({ name: 'evolving', members: pair })).data!;
    clock.advance(1000);
    const described = (await patch('evolving', { description: 'now described' })).data!;
    expect(described).toMatchObject({ description: 'now described', revision: 1, updatedAt: clock.now().toISOString() });
    clock.advance(1000);
    const logits = (await patch('evolving', { aggregation: 'mean-logits' })).data!;
    expect(logits).toMatchObject({ aggregation: 'mean-logits', revision: 2 });
    const replaced = (await patch('evolving', { members: [{ model: 'teacher-a', version: 1, weight: 2 }] })).data!;
    expect(replaced.revision).toBe(3);
    expect(replaced.members).toEqual([expect.objectContaining({ position: 0, model: 'teacher-a', version: 1, weight: 2, normalizedWeight: 1 })]);
    clock.advance(1000);
    const unchanged = (await patch('evolving', { members: [{ model: 'teacher-a', version: 1, weight: 2 }], aggregation: 'mean-logits', description: 'now described' })).data!;
    expect(unchanged).toEqual(replaced);
    expect(created.id).toBe(replaced.id);

    const refused = await patch('evolving', { members: [{ model: 'teacher-a', version: 3 }], description: 'not applied' });
    expect(refused.response.status).toBe(422);
    expect(refused.error).toMatchObject({ errors: [expect.objectContaining({ path: 'members[0].version' })] });
    const weighted = await patch('evolving', { aggregation: 'weighted', members: [{ model: 'teacher-a', version: 1 }] });
    expect(weighted.error).toMatchObject({ errors: [expect.objectContaining({ path: 'members[0].weight' })] });
    expect((await read('evolving')).data).toEqual(replaced);
    expect((await patch('nothing-here', { description: 'x' })).response.status).toBe(404);
  });

  it('deletes an ensemble: 204, then 404; its name is free for a model, and its member versions can be deleted', async () => {
    await createModel(server, 'solo');
    await addVersion(server, 'solo');
    await create({ name: 'doomed', members: [{ model: 'solo', version: 1 }] });
    const deleteVersion = () => server.client.DELETE('/v1/models/{name}/versions/{version}', { params: { path: { name: 'solo', version: '1' } } });
    expect((await deleteVersion()).response.status).toBe(409);
    const remove = () => server.client.DELETE('/v1/ensembles/{name}', { params: { path: { name: 'doomed' } } });
    expect((await remove()).response.status).toBe(204);
    expect((await read('doomed')).response.status).toBe(404);
    expect((await remove()).response.status).toBe(404);
    expect((await deleteVersion()).response.status).toBe(204);
    await createModel(server, 'doomed');
  });
});

describe('ensemble names and weights at the edges', () => {
  it('refuses weights whose normalising sum could overflow or underflow (422 on the weight), storing nothing', async () => {
    const before = await listAll();
    for (const weight of [1e308, 1e-320]) {
      const refused = await create({ name: 'extreme', members: [{ model: 'teacher-a', version: 1, weight }, { model: 'teacher-b', version: 1, weight }] });
      expect(refused.response.status).toBe(422);
      expect(refused.error).toMatchObject({ errors: [expect.objectContaining({ path: 'members[0].weight' }), expect.objectContaining({ path: 'members[1].weight' })] });
    }
    expect(await listAll()).toEqual(before);
  });
});
