import type { TierLimits } from './limits';
import type { LimiterState } from './state';
import type { CallShape, Grant } from './ticket';

/** What the client holds a limiter by: the local `TierLimiter` or the Redis-shared one. */
export interface Limiter {
  acquire(call: CallShape): Promise<Grant>;
  update(limits: TierLimits): void;
  /** The proxy's token estimate for a request body under the limits in force now. */
  estimate(body: unknown): number;
  setSpend(spend: number): void;
  reload(): Promise<void>;
  state(): LimiterState;
  close(): Promise<void>;
}
