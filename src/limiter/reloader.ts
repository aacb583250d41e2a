import type { TierLimits } from './limits';
import { MAX_TIMER } from './numbers';

export type Reload = () => Promise<{ limits: TierLimits; spend: number }>;


/**
 * Re-reads the key's limits while they shut the limiter (a zero limit, a spent budget), so
 * that a raised tier or a reset budget is seen: at most once a window, and at the budget's
 * reset instant. Its timers never keep a process alive on their own.
 */
export class Reloader {
  #last = -Infinity;
  #running: Promise<void> | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #poll: ReturnType<typeof setTimeout> | undefined;
  /** The reset instant last armed; each instant is reloaded at once only. */
  #armedFor: number | null = null;
  #closed = false;
  readonly #reload: Reload | undefined;
  readonly #windowMs: number;
  readonly #apply: (result: { limits: TierLimits; spend: number }) => void;

  constructor(
    reload: Reload | undefined,
    windowMs: number,
    apply: (result: { limits: TierLimits; spend: number }) => void,
  ) {
    this.#reload = reload;
    this.#windowMs = windowMs;
    this.#apply = apply;
  }

  /** Reloads unless one ran within the last window; resolves when done (never rejects). */
  kick(): Promise<void> {
    if (this.#running === null && performance.now() - this.#last < this.#windowMs) {
      return Promise.resolve();
    }
    return this.now();
  }

  /** Reloads now, whatever the window; joins one already running. */
  now(): Promise<void> {
    const reload = this.#reload;
    if (reload === undefined || this.#closed) return Promise.resolve();
    if (this.#running !== null) return this.#running;
    this.#last = performance.now();
    this.#running = Promise.resolve()
      .then(reload)
      .then(
        (result) => {
          if (!this.#closed) this.#apply(result);
        },
        () => undefined, // A failed re-read leaves the limits as they were; the next kick retries.
      )
      .finally(() => {
        this.#running = null;
      });
    return this.#running;
  }

  /**
   * While `isShut()` holds, reloads once a window (counted from the last reload), so that a
   * raised tier is seen even when no call comes to kick a reload. Stops by itself.
   */
  whileShut(isShut: () => boolean): void {
    if (!this.#armable() || this.#poll !== undefined) return;
    const delay = this.#last + this.#windowMs - performance.now();
    this.#poll = later(() => {
      this.#poll = undefined;
      if (this.#closed || !isShut()) return;
      void this.now().then(() => {
        if (isShut()) this.whileShut(isShut);
      });
    }, delay);
  }

  /** Reloads at the wall-clock instant `at` (epoch ms), e.g. `budget_reset_at`. */
  at(at: number | null): void {
    if (!this.#armable() || at === null || at === this.#armedFor) return;
    clearTimeout(this.#timer);
    this.#armedFor = at;
    this.#timer = later(() => void this.now(), at - Date.now());
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#poll);
  }

  #armable(): boolean {
    return this.#reload !== undefined && !this.#closed;
  }
}

/** A timer that never keeps a process alive on its own. */
function later(run: () => void, ms: number): ReturnType<typeof setTimeout> {
  const timer = setTimeout(run, Math.min(Math.max(0, ms), MAX_TIMER));
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
