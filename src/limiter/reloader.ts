import type { TierLimits } from './limits';

export type Reload = () => Promise<{ limits: TierLimits; spend: number }>;

const MAX_DELAY = 2 ** 31 - 1;

/**
 * Re-reads the key's limits while they shut the limiter (a zero limit, a spent budget), so
 * that a raised tier or a reset budget is seen: at most once a window, and at the budget's
 * reset instant. Its timers never keep a process alive on their own.
 */
export class Reloader {
  private last = Number.NEGATIVE_INFINITY;
  private running: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private poll: ReturnType<typeof setTimeout> | undefined;
  /** The reset instant last armed; each instant is reloaded at once only. */
  private armedFor: number | null = null;
  private closed = false;

  constructor(
    private readonly reload: Reload | undefined,
    private readonly windowMs: number,
    private readonly apply: (result: { limits: TierLimits; spend: number }) => void,
  ) {}

  /** Reloads unless one ran within the last window; resolves when done (never rejects). */
  kick(): Promise<void> {
    if (this.running !== null) return this.running;
    if (performance.now() - this.last < this.windowMs) return Promise.resolve();
    return this.now();
  }

  /** Reloads now, whatever the window; joins one already running. */
  now(): Promise<void> {
    if (this.reload === undefined || this.closed) return Promise.resolve();
    if (this.running !== null) return this.running;
    this.last = performance.now();
    const reload = this.reload;
    this.running = Promise.resolve()
      .then(reload)
      .then(
        (result) => {
          if (!this.closed) this.apply(result);
        },
        () => undefined, // A failed re-read leaves the limits as they were; the next kick retries.
      )
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /**
   * While `isShut()` holds, reloads once a window (counted from the last reload), so that a
   * raised tier is seen even when no call comes to kick a reload. Stops by itself.
   */
  whileShut(isShut: () => boolean): void {
    if (this.reload === undefined || this.closed || this.poll !== undefined) return;
    const delay = Math.max(0, this.last + this.windowMs - performance.now());
    this.poll = setTimeout(() => {
      this.poll = undefined;
      if (this.closed || !isShut()) return;
      void this.now().then(() => {
        if (isShut()) this.whileShut(isShut);
      });
    }, Math.min(delay, MAX_DELAY));
    (this.poll as { unref?: () => void }).unref?.();
  }

  /** Reloads at the wall-clock instant `at` (epoch ms), e.g. `budget_reset_at`. */
  at(at: number | null): void {
    if (this.reload === undefined || this.closed || at === null || at === this.armedFor) return;
    clearTimeout(this.timer);
    this.armedFor = at;
    const delay = Math.min(Math.max(at - Date.now(), 0), MAX_DELAY);
    this.timer = setTimeout(() => void this.now(), delay);
    (this.timer as { unref?: () => void }).unref?.();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.poll);
  }
}
