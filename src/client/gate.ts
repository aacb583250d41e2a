import type { LimiterEvent } from '../limiter/events';
import type { RetryEvent } from './retry';

/**
 * What the client needs of a limiter: a place for a call before it leaves, and the answer
 * fed back when it is done. The tier limiter (../limiter) is the one implementation.
 */
export interface Gate {
  acquire(call: {
    model: string | undefined;
    tokens: number;
    signal: AbortSignal | undefined;
    method?: string | undefined;
    path?: string | undefined;
  }): Promise<Grant>;
}

export interface Grant {
  settle(outcome: {
    sent: boolean;
    status?: number | undefined;
    headers?: Headers | null | undefined;
    usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null;
    error?: unknown;
    /** USD of this call, when the client computed it (no cost header to read). */
    cost?: number | undefined;
  }): void;
}

/** Events of the client itself; the limiter adds its own (see `TierClientEvents`). */
export interface ClientEvents extends Record<string, unknown> {
  retry: RetryEvent & { method: string; path: string };
}

/** The limiter's events, by name: `queued`, `throttled`, `refused`, `budgetWarning`. */
export type LimiterEvents = {
  [E in LimiterEvent as E['type']]: E;
};
