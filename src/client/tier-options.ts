import type { ModelPrice } from './pricing';
import type { LimiterEvent } from '../limiter/events';
import { tierLimits, type TierLimits } from '../limiter/limits';
import type { Limiter } from '../limiter/limiter';
import type { RedisOption } from '../limiter/redis-option';
import { SharedLimiter } from '../limiter/shared';
import { TierLimiter } from '../limiter/tier-limiter';
import type { BudgetRow, KeyRow } from './types';

/** How a client keeps its calls inside the key's tier. */
export interface TierOptions {
  /**
   * Prices per model in USD per token, for spend tracking where the gateway's
   * `x-litellm-response-cost` header cannot be read (browsers). @default none
   */
  prices?: Record<string, ModelPrice> | undefined;
  /**
   * The key's tier, a `litellm_budget_table` row. With `tier` or `keyLimits` the client
   * carries a limiter; without both it sends every call as it comes.
   */
  tier?: BudgetRow | null | undefined;
  /** The key's own limits (`rpm_limit`, `tpm_limit`, `max_budget`, … of its row). */
  keyLimits?: Partial<KeyRow> | null | undefined;
  /** What the key has spent already, in USD. @default keyLimits.spend ?? 0 */
  spend?: number | undefined;
  /**
   * What a call over the tier does: wait in line (`'queue'`, FIFO) or fail at once
   * (`'reject'`) with a `RateLimitError` whose `source` is `'client'`.
   * @default 'queue'
   */
  onLimit?: 'queue' | 'reject' | undefined;
  /** A call that would wait longer than this, in milliseconds, is refused. @default Infinity */
  maxWaitMs?: number | undefined;
  /**
   * The gateway's rate-limit window in milliseconds (its `LITELLM_RATE_LIMIT_WINDOW_SIZE`).
   * @default 60000
   */
  windowMs?: number | undefined;
  /**
   * Shares the key's tier with every process holding the key, through this Redis: an ioredis
   * client (Redis or Cluster; the SDK opens its own connections from it and never closes it)
   * or a `redis://` / `rediss://` URL (needs the optional peer dependency `ioredis`). Node
   * only. Without it the limits are this process's alone.
   */
  redis?: RedisOption | undefined;
  /**
   * What a call does when the shared limiter's Redis cannot be reached: `'fail'` refuses it
   * with `LimiterUnavailableError` (nothing is sent); `'local'` keeps each process to its
   * share of the tier (the tier divided by the processes last seen sharing it), after waiting
   * out one window, until Redis answers again.
   * @default 'fail'
   */
  redisFallback?: 'fail' | 'local' | undefined;
  /** A Redis command without an answer after this long fails, in milliseconds.
   * @default 1000, or two heartbeats (a tenth of the window each) when longer */
  redisTimeoutMs?: number | undefined;
}

/** The key row fields that are the key's own limits. */
export function hasTier(options: TierOptions): boolean {
  return options.tier !== undefined || options.keyLimits !== undefined;
}

/** Limits and spend from a `/key/info` answer's `info`, tier included. */
export function limitsFromKeyRow(info: KeyRow): { limits: TierLimits; spend: number } {
  return {
    limits: tierLimits(info.litellm_budget_table ?? null, info),
    spend: Number(info.spend ?? 0) || 0,
  };
}

export function buildLimiter(
  options: TierOptions & { apiKey?: string | undefined },
  emit: (event: LimiterEvent) => void,
  reload: () => Promise<{ limits: TierLimits; spend: number }>,
): Limiter {
  const limits = tierLimits(options.tier ?? null, options.keyLimits ?? null);
  const spend = options.spend ?? (Number(options.keyLimits?.spend ?? 0) || 0);
  const limiterOptions = {
    spend,
    emit,
    reload,
    ...(options.onLimit === undefined ? {} : { onLimit: options.onLimit }),
    ...(options.maxWaitMs === undefined ? {} : { maxWaitMs: options.maxWaitMs }),
    ...(options.windowMs === undefined ? {} : { windowMs: options.windowMs }),
  };
  if (options.redis === undefined) return new TierLimiter(limits, limiterOptions);
  if (typeof options.apiKey !== 'string') {
    throw new TypeError('redis needs the client\'s apiKey: the shared limits are the key\'s');
  }
  return new SharedLimiter(limits, limiterOptions, {
    redis: options.redis,
    apiKey: options.apiKey,
    fallback: options.redisFallback,
    timeoutMs: options.redisTimeoutMs,
  });
}
