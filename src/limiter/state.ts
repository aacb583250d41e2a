import type { Lane } from './lane';
import type { TierLimits } from './limits';

/** One counted resource, for dashboards. Amounts in requests or tokens. */
export interface LaneState {
  limit: number | null;
  /** Own use not yet given back (in flight, or waiting out its window). */
  used: number;
  /** Use by other clients of the key, inferred from the gateway's remaining-* headers. */
  foreign: number;
  /** What may be taken now; null without a limit. */
  available: number | null;
}

/** The Redis-shared limiter's own view (see the `redis` option). */
export interface SharedLimiterState {
  /** `'shared'` on the Redis ledger; `'local'` during a fallback to a share of the tier. */
  mode: 'shared' | 'local';
  /** Processes seen using the key within the last window. */
  peers: number;
  /** The ledger's id; it changes when Redis loses its data. */
  epoch: string;
  /** Grants not sent because their lease ran out first (a freeze), or found gone. */
  lapses: number;
  /** Whether Bottleneck's parallel jobs are leased (2.19.5); null without a parallel cap. */
  parallelLeased: boolean | null;
}

export interface LimiterState {
  /** The limits in force, including what the gateway reported. */
  limits: TierLimits;
  /** Calls granted and not yet settled. */
  inFlight: number;
  /** Calls waiting in line. */
  queued: number;
  requests: LaneState;
  tokens: LaneState;
  models: Record<string, { requests: LaneState; tokens: LaneState; spend: number }>;
  /** USD. */
  spend: number;
  /** Whether the key's budget refuses calls. */
  budgetSpent: boolean;
  /** Milliseconds left of a pause a gateway 429 asked for; 0 when not paused. */
  pausedForMs: number;
  /** Whether Bottleneck runs on microtasks (see `makeFast`). */
  fastPath: boolean;
  closed: boolean;
  /** Present when the tier is shared across processes through Redis. */
  shared?: SharedLimiterState;
}

export function laneState(lane: Lane): LaneState {
  const available = lane.available();
  return {
    limit: lane.limit,
    used: lane.held,
    foreign: lane.ghost,
    available: Number.isFinite(available) ? available : null,
  };
}
