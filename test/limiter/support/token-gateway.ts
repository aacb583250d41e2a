/**
 * An in-process model of how the gateway counts a key's tokens, in both styles of API.md:
 * '1.80.7' counts one per call on admission and its completion tokens once the call ends,
 * refusing only once the count already reached the limit; 'newer' reserves the estimate on
 * admission (refusing when it would pass the limit) and reconciles with the real total after.
 * Both keep a fixed window that opens with the first count after the previous one expired.
 */
export class TokenGateway {
  refused = 0;
  /** The highest count any window reached. */
  peak = 0;
  private start = Number.NEGATIVE_INFINITY;
  private count = 0;

  constructor(
    private readonly style: '1.80.7' | 'newer',
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** A call arrives; returns whether it is admitted. */
  arrive(estimate: number, at = performance.now()): boolean {
    this.roll(at);
    const over =
      this.style === '1.80.7' ? this.count >= this.limit : this.count + estimate > this.limit;
    if (over) {
      this.refused += 1;
      return false;
    }
    this.add(this.style === '1.80.7' ? 1 : estimate);
    return true;
  }

  /** An admitted call ends with this usage. */
  finish(estimate: number, usage: { completion: number; total: number }, at = performance.now()) {
    this.roll(at);
    this.add(this.style === '1.80.7' ? usage.completion : usage.total - estimate);
  }

  private roll(at: number): void {
    if (at >= this.start + this.windowMs) {
      this.start = at;
      this.count = 0;
    }
  }

  private add(amount: number): void {
    this.count += amount;
    this.peak = Math.max(this.peak, this.count);
  }
}
