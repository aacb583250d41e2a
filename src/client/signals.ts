import { APIUserAbortError } from './errors';

/** One signal that fires when any of the given ones does; `release()` drops the listeners. */
export function linkSignals(signals: Array<AbortSignal | undefined>): {
  signal: AbortSignal;
  release: () => void;
} {
  const controller = new AbortController();
  const live = signals.filter((s): s is AbortSignal => s !== undefined);
  const abort = (source: AbortSignal) => () => controller.abort(source.reason);
  const listeners = live.map((s) => [s, abort(s)] as const);

  for (const [s, listener] of listeners) {
    if (s.aborted) {
      controller.abort(s.reason);
      break;
    }
    s.addEventListener('abort', listener, { once: true });
  }
  const release = () => {
    for (const [s, listener] of listeners) s.removeEventListener('abort', listener);
  };
  return { signal: controller.signal, release };
}

/** Throws `APIUserAbortError` when the caller's signal has already fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

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
