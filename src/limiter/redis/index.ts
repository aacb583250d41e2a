import { randomUUID } from 'node:crypto';
import type { TierLimits } from '../limits';
import type { LimiterOptions } from '../options';
import { openConnection, type RedisOption } from './connection';
import { ledgerPrefix } from './keys';
import { Ledger } from './ledger';
import { gateFor } from './parallel-gate';
import { SharedTierLimiter, type RedisFallback } from './shared-limiter';
import { sharedTiming } from './timing';

export { SharedTierLimiter } from './shared-limiter';
export type { RedisFallback, SharedState } from './shared-limiter';
export { CLUSTER_FIX_VERSION, clusterFixesApply } from './bottleneck-cluster';
export { ledgerPrefix } from './keys';

export interface SharedLimiterInit {
  /** An ioredis client (Redis or Cluster) or a redis:// URL. */
  redis: RedisOption;
  /** The key whose tier is shared; only its sha256 is used. */
  apiKey: string;
  fallback: RedisFallback;
  timeoutMs?: number | undefined;
}

/** Builds a limiter that shares the key's tier with every process on the same Redis. */
export async function createSharedLimiter(
  limits: TierLimits,
  options: LimiterOptions,
  init: SharedLimiterInit,
): Promise<SharedTierLimiter> {
  const timing = sharedTiming(options.windowMs ?? 60_000, init.timeoutMs);
  const connection = await openConnection(init.redis);
  const prefix = ledgerPrefix(init.apiKey);
  const ledger = new Ledger(connection.client, prefix, randomUUID().slice(0, 12), timing);
  const gate = (parallel: number) =>
    gateFor(connection.bottleneck, `${prefix}:par`, parallel, connection.client, {
      heartbeatMs: timing.heartbeatMs,
      holdMs: timing.windowMs + timing.leaseMs,
      timeoutMs: timing.timeoutMs,
    });
  return new SharedTierLimiter(limits, options, {
    ledger,
    gate,
    timing,
    fallback: init.fallback,
    release: connection.release,
  });
}
