import { MAX_TIMER } from './numbers';

type Handle = { ref?: () => void; unref?: () => void; hasRef?: () => boolean };

/**
 * One timer for everything the limiter waits on (the next window release, the end of a pause),
 * armed for the earliest instant (performance.now() ms). It keeps the process alive only while
 * calls wait, so a finished script exits without waiting out the window.
 */
export class WakeTimer {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #at = Infinity;
  readonly #onWake: () => void;

  constructor(onWake: () => void) {
    this.#onWake = onWake;
  }

  /** Arms for `at` unless already armed earlier; `keepAlive` refs or unrefs the timer. */
  arm(at: number, keepAlive: boolean): void {
    if (!Number.isFinite(at)) return;
    if (this.#timer === undefined || at < this.#at) {
      clearTimeout(this.#timer);
      this.#at = at;
      const delay = Math.min(Math.max(0, Math.ceil(at - performance.now())), MAX_TIMER);
      this.#timer = setTimeout(() => {
        this.clear();
        this.#onWake();
      }, delay);
    }
    const handle = this.#timer as Handle;
    if (keepAlive) handle.ref?.();
    else handle.unref?.();
  }

  /** Whether the armed timer keeps the process alive (Node only). */
  holdsProcess(): boolean {
    return (this.#timer as Handle | undefined)?.hasRef?.() ?? false;
  }

  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#at = Infinity;
  }
}
