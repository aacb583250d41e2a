/**
 * Faults the gateway can inject, and how a rule picks the requests it applies to.
 * Kept apart from the model so the public entry can export the types alone.
 */

/** Which requests a fault rule applies to. Every given field must match. */
export interface FaultMatch {
  /** HTTP method, case-insensitive. @default any */
  method?: string;
  /** The exact path (`/key/generate`) or a pattern tested against it. @default any */
  path?: string | RegExp;
  /** Only requests authenticated with this key (raw `sk-…` or its sha256). @default any */
  key?: string;
}

/** What happens to a matched request. */
export type Fault =
  /** Answer at once with this status, doing no work (a 5xx burst is `times: n`). */
  | { kind: 'status'; status?: number; body?: unknown }
  /**
   * Drop the connection without an answer. `before`: the work is not done. `after`: the
   * work is done (a key created, a call counted and billed) and the answer is lost.
   */
  | { kind: 'drop'; when: 'before' | 'after' }
  /** Answer slowly: wait `ms` before (default) or after doing the work. */
  | { kind: 'delay'; ms: number; when?: 'before' | 'after' }
  /** Do the work, then answer with a body that is not valid JSON (or a broken SSE frame). */
  | { kind: 'malformed' }
  /**
   * Do the work, then cut the connection part-way: a stream after `afterFrames` frames and
   * before `[DONE]`, any other answer half-way through its body.
   */
  | { kind: 'cut'; afterFrames?: number }
  /** Streams only: after `afterFrames` frames send an error frame and end, with no `[DONE]`. */
  | { kind: 'error-frame'; afterFrames?: number; status?: number; message?: string };

/** A scoped fault: applies to the next `times` matching requests after skipping `skip`. */
export interface FaultRule {
  match?: FaultMatch;
  fault: Fault;
  /** How many matching requests get the fault. @default 1 */
  times?: number;
  /** How many matching requests pass untouched before the fault starts. @default 0 */
  skip?: number;
}

/** Returned by `inject`: removes the rule early. */
export interface FaultHandle {
  /** How many requests the rule has affected so far. */
  readonly hits: number;
  remove(): void;
}
