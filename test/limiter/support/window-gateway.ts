/**
 * An in-process model of how the gateway counts a key: a fixed window per key that opens when
 * the first request after the previous window arrives, `limit` admissions per window, refused
 * requests not counted (API.md, "How the gateway enforces a tier").
 */
export class WindowGateway {
  readonly arrivals: number[] = [];
  readonly admitted: number[] = [];
  refused = 0;
  private windowStart = Number.NEGATIVE_INFINITY;
  private count = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** A request arrives now; returns whether the gateway admits it. */
  arrive(at = performance.now()): boolean {
    this.arrivals.push(at);
    if (at >= this.windowStart + this.windowMs) {
      this.windowStart = at;
      this.count = 0;
    }
    if (this.count >= this.limit) {
      this.refused += 1;
      return false;
    }
    this.count += 1;
    this.admitted.push(at);
    return true;
  }

  /** The most admissions inside any span of one window (sliding), a stricter check. */
  mostInAnyWindow(): number {
    const times = [...this.admitted].sort((a, b) => a - b);
    let most = 0;
    let lo = 0;
    for (let hi = 0; hi < times.length; hi += 1) {
      while ((times[hi] as number) - (times[lo] as number) >= this.windowMs) lo += 1;
      most = Math.max(most, hi - lo + 1);
    }
    return most;
  }
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** A deterministic pseudo-random source, so that a failing run can be replayed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
