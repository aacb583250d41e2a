import { afterEach } from 'vitest';
import type { LimiterOptions } from '../../../../src/limiter/options';
import { SharedLimiter } from '../../../../src/limiter/shared';
import { tierLimits, type TierLimits } from '../../../../src/limiter/limits';
import { SHARED_REDIS_URL, testKey } from './redis';

/** Limits from a tier row, as the client builds them. */
export const tier = (row: Record<string, unknown>): TierLimits => tierLimits(row);

/**
 * Limiters standing for separate processes on one key: each has its own client id and
 * ledger view (they share this process's connection, as limiters of one process do).
 */
export function sharedLimiters(apiKey: string, url = SHARED_REDIS_URL) {
  const open: SharedLimiter[] = [];
  const make = (
    limits: TierLimits,
    options: LimiterOptions = {},
    extra: { fallback?: 'fail' | 'local'; timeoutMs?: number } = {},
  ) => {
    const limiter = new SharedLimiter(limits, { windowMs: 600, ...options }, {
      redis: url,
      apiKey,
      fallback: extra.fallback,
      timeoutMs: extra.timeoutMs,
    });
    open.push(limiter);
    return limiter;
  };
  const closeAll = () => Promise.all(open.map((l) => l.close()));
  return { make, closeAll };
}

/**
 * For a describe block: `setup(label)` gives limiters on a fresh test key (`apiKey`); the
 * key and every limiter made are cleaned up after each test.
 */
export function useSharedLimiters() {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const clean of cleanups.splice(0).reverse()) await clean();
  });
  return (label: string) => {
    const key = testKey(label);
    const limiters = sharedLimiters(key.apiKey);
    cleanups.push(key.forget, limiters.closeAll);
    return { ...limiters, apiKey: key.apiKey };
  };
}
