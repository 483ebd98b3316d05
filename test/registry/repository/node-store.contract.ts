// The NodeStore contract: every SQL driver must pass it.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { ConflictError, UnprocessableError } from '../../../src/registry/errors';
import { type ContractOptions, describeContract, type StoreDriver } from './contract-suite';
import { newApiKey, newNode, newRun, T0, T1, T2 } from './fixtures';

export function tests(driver: StoreDriver, options: ContractOptions = {}): void {
  describeContract('NodeStore', driver, options, (test, repo) => {
    test('registers a node, and on registering again under its name keeps its id and creation time and updates the rest', async () => {
      const key = await repo.createApiKey(newApiKey({ scopes: ['node'] }));
      const node = newNode({ apiKeyId: key.id });
      const registered = await repo.registerNode(node);
      expect(registered).toEqual({ ...node, lastSeenAt: T0 });
      expect(await repo.getNode(node.id)).toEqual(registered);

      const again = await repo.registerNode(newNode({ name: node.name, backend: 'wasm', device: 'NVIDIA H100', version: '0.2.0', capabilities: { concurrency: 4 }, apiKeyId: key.id, createdAt: T1 }));
      expect(again).toEqual({ ...registered, backend: 'wasm', device: 'NVIDIA H100', version: '0.2.0', capabilities: { concurrency: 4 }, lastSeenAt: T1 });
      expect(await repo.getNode(node.id)).toEqual(again);
      expect(await repo.getNode(randomUUID())).toBeNull();

      await expect(repo.registerNode(newNode({ id: node.id }))).rejects.toBeInstanceOf(ConflictError);
      await expect(repo.registerNode(newNode({ apiKeyId: randomUUID() }))).rejects.toBeInstanceOf(UnprocessableError);
    });

    test('records when a node was last heard from', async () => {
      const node = await repo.registerNode(newNode());
      expect(await repo.touchNode(node.id, T2)).toEqual({ ...node, lastSeenAt: T2 });
      expect(await repo.getNode(node.id)).toEqual({ ...node, lastSeenAt: T2 });
      expect(await repo.touchNode(randomUUID(), T2)).toBeNull();
    });

    test('lists nodes by name with the runs each holds now', async () => {
      const busy = await repo.registerNode(newNode({ name: `a-${randomUUID()}` }));
      const idle = await repo.registerNode(newNode({ name: `b-${randomUUID()}` }));
      // Whatever else is queued, this node claims until it holds both of these runs.
      const wanted = new Set([(await repo.enqueueRun(newRun())).run.id, (await repo.enqueueRun(newRun())).run.id]);
      const held: string[] = [];
      for (let run = await repo.claimRun(busy.id, T2, T1); run; run = await repo.claimRun(busy.id, T2, T1)) held.push(run.id);
      expect(held).toEqual(expect.arrayContaining([...wanted]));
      const finished = held[0]!;
      const token = (await repo.getRun(finished))!.fencingToken;
      await repo.failRun(finished, token, { type: 'test', message: 'done' }, T1);

      const listed = await repo.listNodes();
      const names = listed.map((node) => node.name);
      expect(names).toEqual([...names].sort());
      expect(listed.find((node) => node.id === busy.id)).toEqual({ ...busy, currentRunIds: expect.any(Array) });
      expect(new Set(listed.find((node) => node.id === busy.id)!.currentRunIds)).toEqual(new Set(held.slice(1)));
      expect(listed.find((node) => node.id === idle.id)).toEqual({ ...idle, currentRunIds: [] });
    });
  });
}
