/**
 * Amounts a lane gets back at known instants, in time order, with running sums so that
 * "when will `need` be free?" is a binary search rather than a walk over every entry.
 */
export class ReleaseQueue {
  private at: number[] = [];
  private cum: number[] = [];
  private ghost: boolean[] = [];
  private head = 0;
  /** Sum of every amount ever pushed. */
  private total = 0;
  /** Sum of every amount already popped. */
  private popped = 0;

  /** Pending amount, own and foreign. */
  get size(): number {
    return this.total - this.popped;
  }

  /** Instants only move forward: a release pushed earlier never comes later. */
  push(at: number, amount: number, ghost = false): number {
    const last = this.at.length > this.head ? (this.at[this.at.length - 1] as number) : at;
    const when = Math.max(at, last);
    this.total += amount;
    this.at.push(when);
    this.cum.push(this.total);
    this.ghost.push(ghost);
    return when;
  }

  /** The next instant something is due, or null. */
  next(): number | null {
    return this.head < this.at.length ? (this.at[this.head] as number) : null;
  }

  /** Removes what is due at `now`; returns own and foreign (ghost) amounts. */
  popDue(now: number): { own: number; ghost: number } {
    let own = 0;
    let ghost = 0;
    while (this.head < this.at.length && (this.at[this.head] as number) <= now) {
      const amount = (this.cum[this.head] as number) - this.popped;
      this.popped += amount;
      if (this.ghost[this.head]) ghost += amount;
      else own += amount;
      this.head += 1;
    }
    this.compact();
    return { own, ghost };
  }

  /** The instant by which at least `need` has come back, or null if the queue holds less. */
  whenFreed(need: number): number | null {
    if (need <= 0) return null;
    const target = this.popped + need;
    if (this.total < target) return null;
    let lo = this.head;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cum[mid] as number) >= target) hi = mid;
      else lo = mid + 1;
    }
    return this.at[lo] as number;
  }

  /** The last instant pending, or null. */
  last(): number | null {
    return this.at.length > this.head ? (this.at[this.at.length - 1] as number) : null;
  }

  clear(): void {
    this.at = [];
    this.cum = [];
    this.ghost = [];
    this.head = 0;
    this.popped = this.total;
  }

  private compact(): void {
    if (this.head < 1024 || this.head * 2 < this.at.length) return;
    this.at = this.at.slice(this.head);
    this.cum = this.cum.slice(this.head);
    this.ghost = this.ghost.slice(this.head);
    this.head = 0;
  }
}
