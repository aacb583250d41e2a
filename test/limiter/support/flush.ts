import type { TierLimits } from '../../../src/limiter/limits';
import { unlimited } from '../../../src/limiter/limits';

/** Lets every pending microtask and one macrotask run. */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** 'pending', 'fulfilled' or 'rejected', after a flush. */
export async function status(promise: Promise<unknown>): Promise<string> {
  let seen = 'pending';
  promise.then(
    () => (seen = 'fulfilled'),
    () => (seen = 'rejected'),
  );
  await flush();
  return seen;
}

/** Unlimited except for what is given. */
export function limits(some: Partial<TierLimits>): TierLimits {
  return { ...unlimited(), ...some };
}

/** Headers from a plain record. */
export const headers = (record: Record<string, string>): Headers => new Headers(record);
