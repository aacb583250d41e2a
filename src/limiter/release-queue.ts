/**
 * Amounts a lane gets back at known instants, in time order, with running sums so that
 * "when will `need` be free?" is a binary search rather than a walk over every entry.
 */
export class ReleaseQueue {
  #at: number[] = [];
  #cum: number[] = [];
  #ghost: boolean[] = [];
  #head = 0;
  /** Sum of every amount ever pushed. */
  #total = 0;
  /** Sum of every amount already popped. */
  #popped = 0;

  /** Pending amount, own and foreign. */
  get size(): number {
    return this.#total - this.#popped;
  }

  /** Instants only move forward: a release pushed earlier never comes later. */
  push(at: number, amount: number, ghost = false): void {
    const last = this.#at.length > this.#head ? (this.#at[this.#at.length - 1] as number) : at;
    this.#total += amount;
    this.#at.push(Math.max(at, last));
    this.#cum.push(this.#total);
    this.#ghost.push(ghost);
  }

  /** The next instant something is due, or null. */
  next(): number | null {
    return this.#at[this.#head] ?? null;
  }

  /** Removes what is due at `now`; returns own and foreign (ghost) amounts. */
  popDue(now: number): { own: number; ghost: number } {
    let own = 0;
    let ghost = 0;
    while ((this.#at[this.#head] ?? Infinity) <= now) {
      const amount = (this.#cum[this.#head] as number) - this.#popped;
      this.#popped += amount;
      if (this.#ghost[this.#head]) ghost += amount;
      else own += amount;
      this.#head += 1;
    }
    if (this.#head >= 1024 && this.#head * 2 >= this.#at.length) this.#keep(this.#head);
    return { own, ghost };
  }

  /** The instant by which at least `need` has come back, or null if the queue holds less. */
  whenFreed(need: number): number | null {
    const target = this.#popped + need;
    if (need <= 0 || this.#total < target) return null;
    let lo = this.#head;
    let hi = this.#cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.#cum[mid] as number) >= target) hi = mid;
      else lo = mid + 1;
    }
    return this.#at[lo] as number;
  }

  clear(): void {
    this.#keep(this.#at.length);
    this.#popped = this.#total;
  }

  /** Drops the entries before `from`. */
  #keep(from: number): void {
    this.#at = this.#at.slice(from);
    this.#cum = this.#cum.slice(from);
    this.#ghost = this.#ghost.slice(from);
    this.#head = 0;
  }
}
