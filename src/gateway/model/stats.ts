/**
 * What the gateway saw of each key's model calls: the figures that tell how well a client
 * keeps inside its tier.
 */

export type RefusalReason =
  | 'requests'
  | 'tokens'
  | 'parallel'
  | 'budget'
  | 'model_requests'
  | 'model_tokens'
  | 'model_budget'
  | 'auth'
  | 'invalid';

/** Counters of one key (or of all keys together, in `totals`). */
export interface KeyStats {
  /** Model calls received (chat completions and embeddings), including refused ones. */
  arrived: number;
  /** Calls that passed every limit and reached the upstream. */
  admitted: number;
  /** Refused calls by reason; `auth` covers unknown, blocked, expired and wrong-model keys. */
  refused: Record<RefusalReason, number>;
  /** Calls answered by an injected fault instead of the model. */
  faulted: number;
  /** The most calls admitted within any interval one window long (`windowMs`). */
  maxAdmittedInAnyWindow: number;
  /** The most admitted calls in progress at the same time. */
  maxInFlight: number;
  /** Admitted calls still in progress now. */
  inFlight: number;
}

export interface GatewayStats {
  /** The window length the `maxAdmittedInAnyWindow` figures use, in milliseconds. */
  windowMs: number;
  /** Per key, by its hash (`token`); calls without a key are under `"-"`. */
  keys: Record<string, KeyStats>;
  totals: KeyStats;
}

const REASONS: RefusalReason[] = [
  'requests',
  'tokens',
  'parallel',
  'budget',
  'model_requests',
  'model_tokens',
  'model_budget',
  'auth',
  'invalid',
];

interface Tally {
  arrived: number;
  admitted: number[];
  refused: Record<RefusalReason, number>;
  faulted: number;
  inFlight: number;
  maxInFlight: number;
}

function emptyTally(): Tally {
  const refused = Object.fromEntries(REASONS.map((r) => [r, 0])) as Record<RefusalReason, number>;
  return { arrived: 0, admitted: [], refused, faulted: 0, inFlight: 0, maxInFlight: 0 };
}

/** The largest number of timestamps inside any half-open interval `windowMs` long. */
export function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] ?? 0) - (sorted[first] ?? 0) >= windowMs) first++;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

export class StatsRecorder {
  private readonly tallies = new Map<string, Tally>();
  private readonly total = emptyTally();

  private tally(token: string): Tally {
    let tally = this.tallies.get(token);
    if (!tally) this.tallies.set(token, (tally = emptyTally()));
    return tally;
  }

  arrive(token: string): void {
    this.tally(token).arrived++;
    this.total.arrived++;
  }

  refuse(token: string, reason: RefusalReason): void {
    this.tally(token).refused[reason]++;
    this.total.refused[reason]++;
  }

  fault(token: string): void {
    this.tally(token).faulted++;
    this.total.faulted++;
  }

  /** Records an admission; the returned function marks the end of the call. */
  admit(token: string, at: number): () => void {
    const both = [this.tally(token), this.total];
    for (const t of both) {
      t.admitted.push(at);
      t.inFlight++;
      t.maxInFlight = Math.max(t.maxInFlight, t.inFlight);
    }
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      for (const t of both) t.inFlight--;
    };
  }

  private view(t: Tally, windowMs: number): KeyStats {
    return {
      arrived: t.arrived,
      admitted: t.admitted.length,
      refused: { ...t.refused },
      faulted: t.faulted,
      maxAdmittedInAnyWindow: maxInAnyWindow(t.admitted, windowMs),
      maxInFlight: t.maxInFlight,
      inFlight: t.inFlight,
    };
  }

  snapshot(windowMs: number): GatewayStats {
    const keys: Record<string, KeyStats> = {};
    for (const [token, t] of this.tallies) keys[token] = this.view(t, windowMs);
    return { windowMs, keys, totals: this.view(this.total, windowMs) };
  }
}
