import type { BudgetExceededError, RateLimitError } from '../client/errors';

// Duck-typed rather than `instanceof`: an app may load both the ESM and the CJS build.
function named(error: unknown, name: string): error is Record<string, unknown> {
  return typeof error === 'object' && error !== null && (error as Error).name === name;
}

/** The gateway's own 429 (not a local refusal), or null. */
export function gatewayRateLimit(error: unknown): RateLimitError | null {
  if (!named(error, 'RateLimitError') || error['source'] !== 'gateway') return null;
  return error as unknown as RateLimitError;
}

/** The gateway's budget_exceeded answer (400 on 1.80.7, 429 on newer), or null. */
export function gatewayBudget(error: unknown): BudgetExceededError | null {
  if (!named(error, 'BudgetExceededError') || error['source'] !== 'gateway') return null;
  return error as unknown as BudgetExceededError;
}
