// What the store contract suites need from a database driver, and drizzle-style skip lists: a
// driver's test file sets up its database, names the shared tests it skips (with why) and calls
// each suite's tests().
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Repository } from '../../../src/registry/ports';

export interface StoreDriver {
  /** Names the database in test titles: `SQLite file`, `PostgreSQL`, `D1`. */
  name: string;
  /**
   * A Repository on the driver's database. Every call opens the same database (on a connection of
   * its own where the driver has connections): the suites open a second one to race writers and
   * to check persistence.
   */
  open(): Promise<Repository>;
  /** Runs one SQL statement on that database outside any store: to create rows no store creates yet (runs, ensembles). */
  executeSql(statement: string): Promise<void>;
}

export interface ContractOptions {
  /** Shared tests this driver does not run, by title, each with the reason. */
  skip?: Record<string, string>;
}

export type ContractTest = (title: string, fn: () => Promise<void>, timeoutMs?: number) => void;

/**
 * `describe(<store> contract: <driver>)` with a Repository opened for it (before its tests, closed
 * after) and a `test` that skips the titles in `options.skip`, saying why in the skipped test's
 * title. A skip naming no test throws, so a stale list is noticed.
 */
export function describeContract(
  store: string,
  driver: StoreDriver,
  options: ContractOptions,
  body: (test: ContractTest, repo: Repository) => void,
): void {
  const skip = options.skip ?? {};
  const registered = new Set<string>();
  describe(`${store} contract: ${driver.name}`, () => {
    let opened: Repository | undefined;
    beforeAll(async () => {
      opened = await driver.open();
    });
    afterAll(async () => {
      await opened?.close();
    });
    body((title, fn, timeoutMs) => {
      registered.add(title);
      const reason = skip[title];
      if (reason === undefined) it(title, fn, timeoutMs);
      else it.skip(`${title} (skipped on ${driver.name}: ${reason})`, fn);
    }, openedWhenUsed(() => opened));
    // vitest runs describe bodies when it collects the file, so the check belongs in here.
    const unknown = Object.keys(skip).filter((title) => !registered.has(title));
    if (unknown.length > 0) throw new Error(`${store} contract: the skip list of ${driver.name} names no test: ${unknown.join('; ')}`);
  });
}

/** The suite's repository as tests use it: the one `current()` returns when a method is called (opened in beforeAll). */
function openedWhenUsed(current: () => Repository | undefined): Repository {
  return new Proxy({} as Repository, {
    get(_, method) {
      const repo = current();
      if (!repo) throw new Error('the contract suite\'s repository is used before it was opened (outside a test?)');
      const member = repo[method as keyof Repository];
      return typeof member === 'function' ? member.bind(repo) : member;
    },
  });
}
