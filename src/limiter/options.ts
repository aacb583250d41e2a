import type Bottleneck from 'bottleneck';
import type { LimiterEvent } from './events';
import type { TierLimits } from './limits';

export interface LimiterOptions {
  /** `'queue'` waits in FIFO order; `'reject'` refuses at once when a call cannot go now.
   * @default 'queue' */
  onLimit?: 'queue' | 'reject';
  /** A call predicted to wait longer than this, in milliseconds, is refused; one still
   * waiting after this long is refused then. @default Infinity */
  maxWaitMs?: number;
  /** The gateway's rate-limit window in milliseconds (`LITELLM_RATE_LIMIT_WINDOW_SIZE`).
   * @default 60000 */
  windowMs?: number;
  /** Spend already on the key when the limiter is built, USD. @default 0 */
  spend?: number;
  /** Receives limiter events; a throwing listener is ignored. */
  emit?: (event: LimiterEvent) => void;
  /** Re-reads the key's limits and spend. Called while a zero limit or a spent budget refuses
   * calls, at most once a window, and at `budgetResetAt`. */
  reload?: () => Promise<{ limits: TierLimits; spend: number }>;
  /** Extra Bottleneck constructor options for every engine the limiter builds (e.g.
   * `datastore`, `connection`, `id` for clustering). Limits themselves are set by the limiter.
   * @default {} */
  bottleneck?: Bottleneck.ConstructorOptions;
}

export interface ResolvedOptions {
  onLimit: 'queue' | 'reject';
  maxWaitMs: number;
  windowMs: number;
  spend: number;
  emit: (event: LimiterEvent) => void;
  reload: (() => Promise<{ limits: TierLimits; spend: number }>) | undefined;
  bottleneck: Bottleneck.ConstructorOptions;
}

/** A TypeError naming the option, what it must be, and the value with its type. */
export function mustBe(option: string, want: string, value: unknown): TypeError {
  return new TypeError(`${option} must be ${want}, got ${String(value)} (${typeof value})`);
}

function nonNegative(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const fits = typeof value === 'number' && value >= 0;
  if (!fits) throw mustBe(option, 'a non-negative number', value);
  return value;
}

/** Defaults in one place; validates once, at construction. */
export function resolveOptions(options: LimiterOptions = {}): ResolvedOptions {
  const onLimit = options.onLimit ?? 'queue';
  const emit = options.emit;
  if (onLimit !== 'queue' && onLimit !== 'reject') {
    throw mustBe('onLimit', "'queue' or 'reject'", onLimit);
  }
  const windowMs = nonNegative('windowMs', options.windowMs, 60_000);
  if (!(windowMs > 0 && windowMs < Infinity)) {
    throw mustBe('windowMs', 'positive, finite', windowMs);
  }
  const spend = nonNegative('spend', options.spend, 0);
  if (spend === Infinity) throw mustBe('spend', 'finite', spend);
  return {
    onLimit,
    maxWaitMs: nonNegative('maxWaitMs', options.maxWaitMs, Infinity),
    windowMs,
    spend,
    emit: (event) => {
      try {
        emit?.(event);
      } catch {
        // A listener's failure must not break the limiter's bookkeeping.
      }
    },
    reload: options.reload,
    bottleneck: options.bottleneck ?? {},
  };
}
