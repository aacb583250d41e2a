import type { Lane } from './lane';

/**
 * How long until `demand` (this call's amount plus everything queued ahead of it on the lane)
 * fits, in milliseconds, from the releases already scheduled. Calls still in flight come back
 * a window after they settle, so no sooner than `windowMs` from now; demand beyond what the
 * lane holds at all takes one more window per `limit`. A prediction, not a promise: a call
 * that never reached the gateway comes back sooner, a slow one later.
 */
export function laneWait(lane: Lane, demand: number, now: number, windowMs: number): number {
  const short = demand - lane.available();
  if (short <= 0 || lane.limit === null) return 0;
  const at = lane.releases.whenFreed(short);
  if (at !== null) return Math.max(0, at - now);
  const rest = short - lane.releases.size - lane.inFlight();
  if (rest <= 0) return windowMs;
  if (lane.limit <= 0) return Number.POSITIVE_INFINITY;
  return windowMs * (1 + Math.ceil(rest / lane.limit));
}
