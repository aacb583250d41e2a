import type { Limiter } from './limiter';
import { smallestTpm, type TierLimits } from './limits';
import { estimateTokens } from './estimate';
import { copyLimits, ownLimits } from './own-limits';
import type { LimiterOptions } from './options';
import { checkRedisOption } from './redis-option';
import type { LimiterState } from './state';
import type { CallShape, Grant } from './ticket';

/** How a limiter shares its key's tier through Redis. */
export interface SharedLimiterOptions {
  /** An ioredis client (Redis or Cluster, used as is: the SDK opens its own connections
   * from it and never closes it) or a `redis://` URL (ioredis is then imported). */
  redis: unknown;
  /** The key whose tier is shared; only its sha256 reaches Redis. */
  apiKey: string;
  /** When Redis cannot be reached: `'fail'` refuses calls with `LimiterUnavailableError`;
   * `'local'` keeps each process to its share of the tier. @default 'fail' */
  fallback?: 'fail' | 'local' | undefined;
  /** A Redis command without an answer after this long fails, ms. @default 1000 or more */
  timeoutMs?: number | undefined;
}

type Shared = Limiter;

/**
 * A limiter that shares the key's tier across processes. The Redis code is loaded on first
 * need through a dynamic import (browser builds carry a stub that refuses to load), so this
 * facade is synchronous like `TierLimiter`: calls made before it is loaded wait for it.
 */
export class SharedLimiter implements Limiter {
  private inner: Shared | null = null;
  private readonly loading: Promise<Shared>;
  private limits: TierLimits;
  private spend: number | null = null;
  private waiting = 0;
  private closed = false;

  constructor(limits: TierLimits, options: LimiterOptions, shared: SharedLimiterOptions) {
    checkRedisOption(shared.redis);
    const fallback = shared.fallback ?? 'fail';
    if (fallback !== 'fail' && fallback !== 'local') {
      throw new TypeError(`redisFallback must be 'fail' or 'local', got ${String(fallback)}`);
    }
    this.limits = ownLimits(limits);
    this.loading = import('./redis/index').then(async ({ createSharedLimiter }) => {
      const inner = await createSharedLimiter(this.limits, options, {
        redis: shared.redis as never,
        apiKey: shared.apiKey,
        fallback,
        timeoutMs: shared.timeoutMs,
      });
      this.inner = inner;
      if (this.spend !== null) inner.setSpend(this.spend);
      if (this.closed) await inner.close();
      return inner;
    });
    // Seen by the calls waiting for it; an unobserved failure must not crash the process.
    this.loading.catch(() => undefined);
  }

  async acquire(call: CallShape): Promise<Grant> {
    if (this.inner !== null) return this.inner.acquire(call);
    this.waiting += 1;
    try {
      return await (await this.loading).acquire(call);
    } finally {
      this.waiting -= 1;
    }
  }

  update(limits: TierLimits): void {
    this.limits = ownLimits(limits);
    this.inner?.update(limits);
  }

  estimate(body: unknown): number {
    if (this.inner !== null) return this.inner.estimate(body);
    const model = (body as { model?: unknown } | null | undefined)?.model;
    const named = typeof model === 'string' ? model : undefined;
    return estimateTokens(body, smallestTpm(this.limits, named));
  }

  setSpend(spend: number): void {
    this.spend = spend;
    this.inner?.setSpend(spend);
  }

  async reload(): Promise<void> {
    await (await this.loading).reload();
  }

  state(): LimiterState {
    if (this.inner !== null) return this.inner.state();
    const none = (limit: number | null) => ({ limit, used: 0, foreign: 0, available: limit });
    return {
      limits: copyLimits(this.limits),
      inFlight: 0,
      queued: this.waiting,
      requests: none(this.limits.rpm),
      tokens: none(this.limits.tpm),
      models: {},
      spend: this.spend ?? 0,
      budgetSpent: false,
      pausedForMs: 0,
      fastPath: false,
      closed: this.closed,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const inner = await this.loading.catch(() => null);
    await inner?.close();
  }
}
