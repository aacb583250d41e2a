import type { BudgetExceededError, LimitName, RateLimitError } from '../client/errors';

/** A call could not go at once and waits in line (FIFO). */
export interface QueuedEvent {
  type: 'queued';
  model: string | undefined;
  /** The call's token reservation. */
  tokens: number;
  /** Its place in line, 1 = next. */
  position: number;
}

/** A limit holds calls back; `waitMs` is the predicted wait of the call just queued. */
export interface ThrottledEvent {
  type: 'throttled';
  limit: LimitName;
  model: string | undefined;
  /** Milliseconds, predicted from the scheduled window releases; 0 when unknown (parallel). */
  waitMs: number;
}

/** The limiter refused a call before it left the process. */
export interface RefusedEvent {
  type: 'refused';
  error: RateLimitError | BudgetExceededError;
}

/** Spend reached `softBudget` (once, re-armed when spend falls below it again). */
export interface BudgetWarningEvent {
  type: 'budgetWarning';
  /** USD. */
  spend: number;
  /** USD. */
  softBudget: number;
  /** USD. */
  maxBudget: number | null;
}

export type LimiterEvent = QueuedEvent | ThrottledEvent | RefusedEvent | BudgetWarningEvent;

export type LimiterEventType = LimiterEvent['type'];
