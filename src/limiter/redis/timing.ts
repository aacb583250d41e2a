/** The shared limiter's clock, all in milliseconds, derived from the gateway's window. */
export interface SharedTiming {
  windowMs: number;
  /** How often a process pushes out the leases of what it holds and checks the ledger. */
  heartbeatMs: number;
  /**
   * How long a grant may stay unsent, and how long a silent holder's call in flight keeps
   * counting beyond a window. Three heartbeats, so one late beat loses nothing.
   */
  leaseMs: number;
  /** Of the lease, what is kept back for the trip to the gateway after the last check. */
  marginMs: number;
  /** After a new ledger appears, how long nobody admits while holders write back. */
  graceMs: number;
  /** How soon a call behind an older waiter of another process asks again. */
  behindMs: number;
  /** A Redis command without an answer after this long fails the operation. */
  timeoutMs: number;
}

/** @param timeoutMs the `redisTimeoutMs` option, when given. */
export function sharedTiming(windowMs: number, timeoutMs?: number): SharedTiming {
  const heartbeatMs = Math.min(1000, Math.max(50, Math.round(windowMs / 10)));
  const leaseMs = 3 * heartbeatMs;
  return {
    windowMs,
    heartbeatMs,
    leaseMs,
    marginMs: Math.round(leaseMs / 3),
    graceMs: 2 * heartbeatMs + 50,
    behindMs: 15,
    timeoutMs: timeoutMs ?? Math.max(1000, 2 * heartbeatMs),
  };
}
