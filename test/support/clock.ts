// Test support: a clock that moves only when the test moves it, injected through startServer.
import type { Clock } from '../../src/registry/ports';

export interface ManualClock extends Clock {
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void;
}

/** A clock reading `start` until advanced. */
export function createManualClock(start = new Date('2026-01-01T00:00:00.000Z')): ManualClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(ms) {
      current += ms;
    },
  };
}
