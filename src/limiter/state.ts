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
