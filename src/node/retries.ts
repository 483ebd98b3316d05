// Retrying a call that failed on something that may pass by itself: the network, or a 5xx.
import { setTimeout as sleep } from 'node:timers/promises';
import { DownloadIntegrityError, NodeApiError } from './api-client';

/** A network error or a 5xx may pass; a 4xx (a refusal) or bytes other than the announced ones will not. */
export const isTransient = (error: unknown): boolean =>
  error instanceof NodeApiError ? error.status >= 500 : !(error instanceof DownloadIntegrityError);

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** The wait after failed attempt `attempt` (1-based). */
  delayMs(attempt: number): number;
  retryable(error: unknown): boolean;
  /** Before each wait: for a log line. */
  onRetry?(attempt: number, error: unknown): void;
}

/** `send`'s result, trying again after a retryable failure until the attempts are used up. */
export async function withRetries<T>(send: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= policy.attempts || !policy.retryable(error)) throw error;
      policy.onRetry?.(attempt, error);
      await sleep(policy.delayMs(attempt));
    }
  }
}
