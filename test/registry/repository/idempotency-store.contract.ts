// The IdempotencyStore contract: every SQL driver must pass it.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { NotFoundError, UnprocessableError } from '../../../src/registry/errors';
import { type ContractOptions, describeContract, type StoreDriver } from './contract-suite';
import { newApiKey, newIdempotency, T0, T1, T2 } from './fixtures';

export function tests(driver: StoreDriver, options: ContractOptions = {}): void {
  describeContract('IdempotencyStore', driver, options, (test, repo) => {
    test('reserves a key once, then completes it; later reservations get the stored record', async () => {
      const key = await repo.createApiKey(newApiKey());
      const reservation = newIdempotency(key.id);
      expect(await repo.getIdempotent(key.id, reservation.key)).toBeNull();
      expect(await repo.reserveIdempotent(reservation, T0)).toBeNull();
      expect(await repo.getIdempotent(key.id, reservation.key)).toEqual(reservation);

      const again = { ...reservation, requestHash: 'f'.repeat(64), createdAt: T2 };
      expect(await repo.reserveIdempotent(again, T0)).toEqual(reservation);

      const completed = { ...reservation, status: 201, responseBody: '{"id":"first"}' };
      expect(await repo.completeIdempotent(key.id, reservation.key, 201, '{"id":"first"}')).toEqual(completed);
      expect(await repo.reserveIdempotent(again, T0)).toEqual(completed);
      expect(await repo.getIdempotent(key.id, reservation.key)).toEqual(completed);

      // Keys are scoped per API key.
      const other = await repo.createApiKey(newApiKey());
      expect(await repo.getIdempotent(other.id, reservation.key)).toBeNull();
      expect(await repo.reserveIdempotent({ ...again, apiKeyId: other.id }, T0)).toBeNull();
    });

    test('releases a reservation in progress so the key can be reserved again, but never a completed record', async () => {
      const key = await repo.createApiKey(newApiKey());
      const reservation = newIdempotency(key.id);
      expect(await repo.reserveIdempotent(reservation, T0)).toBeNull();
      expect(await repo.releaseIdempotent(key.id, reservation.key)).toBe(true);
      expect(await repo.getIdempotent(key.id, reservation.key)).toBeNull();
      expect(await repo.releaseIdempotent(key.id, reservation.key)).toBe(false);

      expect(await repo.reserveIdempotent(reservation, T0)).toBeNull();
      await repo.completeIdempotent(key.id, reservation.key, 201, '{}');
      expect(await repo.releaseIdempotent(key.id, reservation.key)).toBe(false);
      expect(await repo.getIdempotent(key.id, reservation.key)).toMatchObject({ status: 201, responseBody: '{}' });
    });

    test('completes only a reservation in progress', async () => {
      const key = await repo.createApiKey(newApiKey());
      const reservation = newIdempotency(key.id);
      await expect(repo.completeIdempotent(key.id, reservation.key, 201, '{}')).rejects.toBeInstanceOf(NotFoundError);
      expect(await repo.reserveIdempotent(reservation, T0)).toBeNull();
      await repo.completeIdempotent(key.id, reservation.key, 201, '{"first":true}');
      await expect(repo.completeIdempotent(key.id, reservation.key, 201, '{"second":true}')).rejects.toBeInstanceOf(NotFoundError);
      expect(await repo.getIdempotent(key.id, reservation.key)).toMatchObject({ responseBody: '{"first":true}' });
    });

    test('takes over a reservation of the same request abandoned before staleBefore, but nothing else', async () => {
      const key = await repo.createApiKey(newApiKey());
      const abandoned = newIdempotency(key.id, { createdAt: T0 });
      expect(await repo.reserveIdempotent(abandoned, T0)).toBeNull();
      // Not stale yet: still the first request's.
      expect(await repo.reserveIdempotent({ ...abandoned, createdAt: T2 }, T0)).toEqual(abandoned);
      // Another request's reservation is never taken over.
      const other = { ...abandoned, requestHash: 'f'.repeat(64), createdAt: T2 };
      expect(await repo.reserveIdempotent(other, T1)).toEqual(abandoned);
      // Stale: the repeat takes it over, and it is now the repeat's (no longer stale).
      expect(await repo.reserveIdempotent({ ...abandoned, createdAt: T2 }, T1)).toBeNull();
      expect(await repo.getIdempotent(key.id, abandoned.key)).toEqual({ ...abandoned, createdAt: T2 });
      expect(await repo.reserveIdempotent({ ...abandoned, createdAt: T2 }, T1)).toEqual({ ...abandoned, createdAt: T2 });

      // A completed record is never taken over.
      await repo.completeIdempotent(key.id, abandoned.key, 201, '{}');
      expect(await repo.reserveIdempotent({ ...abandoned, createdAt: T2 }, '2030-01-01T00:00:00.000Z')).toMatchObject({ status: 201 });
    });

    test('lets one of several concurrent takers of an abandoned reservation win', async () => {
      const key = await repo.createApiKey(newApiKey());
      const abandoned = newIdempotency(key.id, { createdAt: T0 });
      expect(await repo.reserveIdempotent(abandoned, T0)).toBeNull();
      const results = await Promise.all([1, 2, 3, 4].map(() => repo.reserveIdempotent({ ...abandoned, createdAt: T2 }, T1)));
      expect(results.filter((result) => result === null)).toHaveLength(1);
      for (const result of results) if (result !== null) expect(result).toEqual({ ...abandoned, createdAt: T2 });
    });

    test('lets exactly one of several concurrent reservations of one key win', async () => {
      const key = await repo.createApiKey(newApiKey());
      const idempotencyKey = randomUUID();
      const attempts = [1, 2, 3, 4].map((n) => newIdempotency(key.id, { key: idempotencyKey, requestHash: String(n).repeat(64) }));
      const results = await Promise.all(attempts.map((record) => repo.reserveIdempotent(record, T0)));
      const stored = await repo.getIdempotent(key.id, idempotencyKey);
      expect(attempts).toContainEqual(stored);
      expect(results.filter((result) => result === null)).toHaveLength(1);
      expect(attempts[results.indexOf(null)]).toEqual(stored);
      for (const result of results) if (result !== null) expect(result).toEqual(stored);
    });

    test('refuses an idempotency record of an API key that does not exist', async () => {
      const record = newIdempotency(randomUUID());
      await expect(repo.reserveIdempotent(record, T0)).rejects.toBeInstanceOf(UnprocessableError);
      expect(await repo.getIdempotent(record.apiKeyId, record.key)).toBeNull();
    });
  });
}
