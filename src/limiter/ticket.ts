import type { LimitName } from '../client/errors';
import type { Lane } from './lane';
import type { Route } from './refusals';

/** One call asking to leave. */
export interface CallShape {
  /** The model asked for; per-model limits apply when the tier has them. */
  model?: string | undefined;
  /** Tokens to reserve: the proxy's estimate (`estimateTokens`). */
  tokens: number;
  /** Aborting removes a waiting call without sending it. */
  signal?: AbortSignal | undefined;
  /** For refusal messages. @default 'POST' */
  method?: string | undefined;
  /** For refusal messages: the route, without origin or query. @default '/chat/completions' */
  path?: string | undefined;
}

/** How a granted call ended, fed back through `Grant.settle`. */
export interface Outcome {
  /** false when the request surely never reached the gateway (e.g. a refused connection);
   * true or unknown counts the call as counted by the gateway. */
  sent: boolean;
  status?: number | undefined;
  headers?: Headers | null | undefined;
  /** From the answer's body or the stream's usage frame; corrects the token reservation. */
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null;
  /** An error the gateway answered with (RateLimitError / BudgetExceededError with source
   * 'gateway' pause the limiter or mark the budget spent). */
  error?: unknown;
  /** USD of this call when the client knows it and no header says it (browsers, streams). */
  cost?: number | undefined;
}

/** A call's place in the limiter, held from grant to settle. */
export interface Grant {
  /** Gives the parallel slot back at once and the window slots a window later. Idempotent. */
  settle(outcome: Outcome): void;
}

export type TicketState = 'new' | 'waiting' | 'starting' | 'granted' | 'cancelled' | 'over';

export interface Ticket {
  model: string | undefined;
  tokens: number;
  route: Route;
  signal: AbortSignal | undefined;
  /** Lanes and amounts the call takes, key lanes first. */
  demand: Array<[Lane, number]>;
  /** Each lane's `taken` right after this call took from it. */
  marks: number[];
  /** Which lanes' engines have started the call's job. */
  started: boolean[];
  state: TicketState;
  resolve: (grant: Grant) => void;
  reject: (error: unknown) => void;
  /** Ends the call's job on the parallel-carrying engine. */
  release: (() => void) | undefined;
  deadline: ReturnType<typeof setTimeout> | undefined;
  onAbort: (() => void) | undefined;
  /** performance.now() by which it is predicted to go, and what holds it. */
  predictedAt: number;
  blockedBy: LimitName;
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

/**
 * Tokens to charge for a finished call. 1.80.7 counts one per call plus completion tokens;
 * newer proxies count the total. Without usage, the reservation stands.
 */
export function usedTokens(reserved: number, usage: Outcome['usage']): number {
  if (usage === null || usage === undefined) return reserved;
  const prompt = count(usage.prompt_tokens);
  const completion = count(usage.completion_tokens);
  const total = count(usage.total_tokens);
  if (prompt === null && completion === null && total === null) return reserved;
  return Math.max(total ?? 0, (prompt ?? 0) + (completion ?? 0), (completion ?? 0) + 1);
}
