const MAX_DELAY = 2 ** 31 - 1;

/**
 * One timer for everything the limiter waits on (the next window release, the end of a pause),
 * armed for the earliest instant (performance.now() ms). It keeps the process alive only while
 * calls wait, so a finished script exits without waiting out the window.
 */
export class WakeTimer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private at = Number.POSITIVE_INFINITY;

  constructor(private readonly onWake: () => void) {}

  /** Arms for `at` unless already armed earlier; `keepAlive` refs or unrefs the timer. */
  arm(at: number, keepAlive: boolean): void {
    if (!Number.isFinite(at)) return;
    if (this.timer === undefined || at < this.at) {
      clearTimeout(this.timer);
      this.at = at;
      const delay = Math.min(Math.max(0, Math.ceil(at - performance.now())), MAX_DELAY);
      this.timer = setTimeout(() => this.fire(), delay);
    }
    const handle = this.timer as { ref?: () => void; unref?: () => void };
    if (keepAlive) handle.ref?.();
    else handle.unref?.();
  }

  /** Whether the armed timer keeps the process alive (Node only). */
  holdsProcess(): boolean {
    const handle = this.timer as { hasRef?: () => boolean } | undefined;
    return handle?.hasRef?.() ?? false;
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.at = Number.POSITIVE_INFINITY;
  }

  private fire(): void {
    this.timer = undefined;
    this.at = Number.POSITIVE_INFINITY;
    this.onWake();
  }
}
