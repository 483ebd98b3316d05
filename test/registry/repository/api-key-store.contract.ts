// The ApiKeyStore contract: every SQL driver must pass it, the last-admin guard under concurrent
// revocations included.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { ConflictError, LastAdminKeyError } from '../../../src/registry/errors';
import type { ApiKeyRecord } from '../../../src/registry/records';
import { type ContractOptions, describeContract, type StoreDriver } from './contract-suite';
import { newApiKey, T0, T1, T2 } from './fixtures';

export function tests(driver: StoreDriver, options: ContractOptions = {}): void {
  describeContract('ApiKeyStore', driver, options, (test, repo) => {
    const { open } = driver;

    /** Makes a new admin key the only active one (revoking the others) and returns it. */
    async function onlyActiveAdmin(): Promise<ApiKeyRecord> {
      const admin = await repo.createApiKey(newApiKey({ scopes: ['admin'] }));
      for (const key of await repo.listApiKeys()) {
        if (key.id !== admin.id && key.revokedAt === null && key.scopes.includes('admin')) await repo.revokeApiKey(key.id, T0);
      }
      return admin;
    }

    test('creates, gets, lists, counts and revokes keys (a second revoke keeps the first time)', async () => {
      const before = await repo.countApiKeys();
      const key = newApiKey({ scopes: ['read', 'predict'] });
      expect(await repo.createApiKey(key)).toEqual(key);
      expect(await repo.getApiKey(key.id)).toEqual(key);
      expect(await repo.countApiKeys()).toBe(before + 1);
      expect(await repo.listApiKeys()).toContainEqual(key);

      expect(await repo.revokeApiKey(key.id, T1)).toEqual({ ...key, revokedAt: T1 });
      expect(await repo.revokeApiKey(key.id, T2)).toEqual({ ...key, revokedAt: T1 });
      expect(await repo.getApiKey(key.id)).toEqual({ ...key, revokedAt: T1 });
      expect(await repo.revokeApiKey(randomUUID(), T1)).toBeNull();
      expect(await repo.getApiKey(randomUUID())).toBeNull();
    });

    test('refuses to revoke the last active admin key, changing nothing, and revokes it once another exists', async () => {
      const admins = await onlyActiveAdmin();
      const error = await repo.revokeApiKey(admins.id, T1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LastAdminKeyError);
      expect((error as LastAdminKeyError).details).toEqual({ id: admins.id });
      expect(await repo.getApiKey(admins.id)).toEqual(admins);
      // A key without the admin scope is never held back.
      const reader = await repo.createApiKey(newApiKey({ scopes: ['read', 'write'] }));
      expect(await repo.revokeApiKey(reader.id, T1)).toEqual({ ...reader, revokedAt: T1 });
      const successor = await repo.createApiKey(newApiKey({ scopes: ['admin'] }));
      expect(await repo.revokeApiKey(admins.id, T1)).toEqual({ ...admins, revokedAt: T1 });
      await expect(repo.revokeApiKey(successor.id, T2)).rejects.toBeInstanceOf(LastAdminKeyError);
    });

    test('lets exactly one of two concurrent revocations of the last two admin keys pass, round after round', async () => {
      const other = await open();
      try {
        let survivor = await onlyActiveAdmin();
        for (let round = 0; round < 25; round++) {
          const added = await repo.createApiKey(newApiKey({ scopes: ['read', 'admin'] }));
          const results = await Promise.allSettled([repo.revokeApiKey(survivor.id, T1), other.revokeApiKey(added.id, T1)]);
          const passed = results.filter((result) => result.status === 'fulfilled');
          expect(passed).toHaveLength(1);
          for (const result of results) {
            if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(LastAdminKeyError);
          }
          const active = (await repo.listApiKeys()).filter((key) => key.revokedAt === null && key.scopes.includes('admin'));
          expect(active).toHaveLength(1);
          survivor = active[0]!;
        }
      } finally {
        await other.close();
      }
    });

    test('refuses a key whose secret hash is taken', async () => {
      const key = await repo.createApiKey(newApiKey());
      await expect(repo.createApiKey(newApiKey({ secretHash: key.secretHash }))).rejects.toBeInstanceOf(ConflictError);
    });
  });
}
