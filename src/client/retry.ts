import {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  BudgetExceededError,
  RateLimitError,
} from './errors';
import { sleep } from './signals';

/** The longest a server's `retry-after` hint may hold a retry back, in milliseconds. */
export const MAX_HINTED_WAIT_MS = 60_000;

/** Whether a failure may succeed when tried again. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof APIUserAbortError || error instanceof BudgetExceededError) return false;
  if (error instanceof RateLimitError) return error.source === 'gateway';
  if (error instanceof APIConnectionError) return true;
  const status = error instanceof APIError ? error.status : undefined;
  if (status === undefined) return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export interface RetryEvent {
  attempt: number;
  retriesLeft: number;
  error: unknown;
  delayMs: number;
}

export interface RetryPolicy {
  retries: number;
  signal?: AbortSignal | undefined;
  onRetry?: ((event: RetryEvent) => void) | undefined;
}

/**
 * Runs `attempt` (numbered from 1) with p-retry: capped, jittered exponential backoff (0.5 s
 * doubling to 8 s, ×1–2 at random), plus the gateway's hint (`delayMs`, at most a minute)
 * before each retry. The caller's `signal` ends the wait and stops further attempts.
 */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
): Promise<T> {
  // Most calls succeed at once: only a failure pays for setting up the retry loop.
  let first: unknown;
  try {
    return await attempt(1);
  } catch (error) {
    if (policy.retries <= 0 || !isRetryable(error)) throw error;
    first = error;
  }
  // Loaded on the first failure only: a page that never retries never downloads it.
  const { default: pRetry } = await import('p-retry');
  // The first failure is replayed as p-retry's attempt 1, so it schedules the backoff.
  return pRetry((n) => (n === 1 ? Promise.reject(first) : attempt(n)), {
    retries: policy.retries,
    minTimeout: 500,
    maxTimeout: 8_000,
    factor: 2,
    randomize: true,
    ...(policy.signal ? { signal: policy.signal } : {}),
    shouldRetry: ({ error }) => isRetryable(error),
    onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
      if (retriesLeft === 0 || !isRetryable(error)) return;
      const hinted = error instanceof RateLimitError ? (error.retryAfterMs ?? 0) : 0;
      const delayMs = Math.min(hinted, MAX_HINTED_WAIT_MS);
      policy.onRetry?.({ attempt: attemptNumber, retriesLeft, error, delayMs });
      if (delayMs > 0) await sleep(delayMs, policy.signal);
    },
  });
}
