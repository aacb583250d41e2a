/** A call's amounts with how long each still counts (-1: in flight). */
export interface Holding {
  id: string;
  lanes: Array<{ lane: string; amount: number; leftMs: number }>;
}

/** What one call of this process holds in the shared ledger, lane by lane. */
export interface BookEntry {
  id: string;
  lanes: Array<{ lane: string; amount: number }>;
  /** In flight (granted, not settled), or settled and counting until `releaseAt`. */
  state: 'flight' | 'settled';
  /** performance.now() at which a settled call stops counting. */
  releaseAt: number;
}

/**
 * This process's own grants, kept so that they can be written again when the ledger loses
 * them (a Redis restart or flush), their leases pushed out while they are in flight, and —
 * during a local fallback — so that the process knows what it holds without Redis.
 */
export class GrantBook {
  private readonly entries = new Map<string, BookEntry>();

  get size(): number {
    return this.entries.size;
  }

  add(id: string, lanes: BookEntry['lanes']): void {
    this.entries.set(id, { id, lanes, state: 'flight', releaseAt: Number.POSITIVE_INFINITY });
  }

  /** A settled call: an unsent one is forgotten, a sent one counts its use until `until`. */
  settle(id: string, lanes: BookEntry['lanes'], sent: boolean, until: number): void {
    if (!sent) {
      this.entries.delete(id);
      return;
    }
    this.entries.set(id, { id, lanes, state: 'settled', releaseAt: until });
  }

  drop(id: string): void {
    this.entries.delete(id);
  }

  /** Forgets settled calls whose window has passed. */
  prune(now: number): void {
    for (const [id, entry] of this.entries) if (entry.releaseAt <= now) this.entries.delete(id);
  }

  /** Calls in flight, for lease renewal. */
  inFlight(): Holding[] {
    const out: Holding[] = [];
    for (const e of this.entries.values()) {
      if (e.state !== 'flight') continue;
      out.push({ id: e.id, lanes: e.lanes.map((l) => ({ ...l, leftMs: -1 })) });
    }
    return out;
  }

  /** Everything still counting, for writing back into a ledger that lost it. */
  all(now: number): Holding[] {
    const out: Holding[] = [];
    for (const e of this.entries.values()) {
      if (e.releaseAt <= now) continue;
      const leftMs = e.state === 'flight' ? -1 : Math.max(1, Math.ceil(e.releaseAt - now));
      out.push({ id: e.id, lanes: e.lanes.map((l) => ({ ...l, leftMs })) });
    }
    return out;
  }

  /** What this process holds on `lane` now. */
  held(lane: string, now: number): number {
    let total = 0;
    for (const e of this.entries.values()) {
      if (e.releaseAt <= now) continue;
      for (const l of e.lanes) if (l.lane === lane) total += l.amount;
    }
    return total;
  }

  /** The next instant a settled call stops counting, or null. */
  nextRelease(now: number): number | null {
    let next: number | null = null;
    for (const e of this.entries.values()) {
      if (e.releaseAt > now && e.releaseAt !== Number.POSITIVE_INFINITY) {
        next = next === null ? e.releaseAt : Math.min(next, e.releaseAt);
      }
    }
    return next;
  }
}
