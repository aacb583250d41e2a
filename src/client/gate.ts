import type { LimiterEvent } from '../limiter/events';
import type { CallShape, Grant } from '../limiter/ticket';
import type { RetryEvent } from './retry';

/**
 * What the client needs of a limiter: a place for a call before it leaves (`acquire`), and
 * the answer fed back when it is done (`Grant.settle`). The limiter's own types are the
 * contract; the tier limiter, local or shared through Redis, is the implementation.
 */
export type { Grant, Outcome } from '../limiter/ticket';

export interface Gate {
  acquire(call: CallShape): Promise<Grant>;
}

/** Events of the client itself; the limiter adds its own (see `TierClientEvents`). */
export interface ClientEvents extends Record<string, unknown> {
  retry: RetryEvent & { method: string; path: string };
}

/** The limiter's events, by name: `queued`, `throttled`, `refused`, `budgetWarning`. */
export type LimiterEvents = {
  [E in LimiterEvent as E['type']]: E;
};
