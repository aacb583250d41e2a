import { APIUserAbortError } from './errors';

/** Throws `APIUserAbortError` when the caller's signal has already fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** The caller's reason when it is already an `APIUserAbortError`, else one that wraps it. */
export function abortError(signal: AbortSignal | undefined): APIUserAbortError {
  const reason: unknown = signal?.reason;
  if (reason instanceof APIUserAbortError) return reason;
  return new APIUserAbortError('Request was aborted', { cause: reason });
}

/** Waits `ms`, or rejects with `APIUserAbortError` when the signal fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
