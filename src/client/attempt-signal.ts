import { APITimeoutError, APIUserAbortError, type RequestInfo } from './errors';

/** Why an attempt was cut short. */
export type CutReason = 'caller' | 'timeout' | 'closed';

/**
 * The abort controller of one attempt: fired by the caller's signal, the timeout or the
 * client's `close()`. The client holds live attempts in a set instead of hanging a listener
 * per call on one shared signal.
 */
export class AttemptSignal {
  readonly controller = new AbortController();
  cut: CutReason | undefined;
  readonly #caller: AbortSignal | undefined;
  readonly #live: Set<AttemptSignal>;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(caller: AbortSignal | undefined, timeoutMs: number, live: Set<AttemptSignal>,
    request: RequestInfo) {
    this.#caller = caller;
    this.#live = live;
    live.add(this);
    caller?.addEventListener('abort', this.#onCaller, { once: true });
    if (caller?.aborted) this.#onCaller();
    this.#timer = setTimeout(() => {
      this.abort('timeout', new APITimeoutError({ ...request, timeoutMs }));
    }, timeoutMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  abort(cut: CutReason, reason: unknown): void {
    if (this.controller.signal.aborted) return;
    this.cut = cut;
    this.controller.abort(reason);
  }

  /** The answer has started to arrive: the timeout no longer applies. */
  answered(): void {
    clearTimeout(this.#timer);
  }

  /** The attempt is over: drop the timer, the caller's listener and the client's reference. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#caller?.removeEventListener('abort', this.#onCaller);
    this.#live.delete(this);
  }

  #onCaller = () => {
    const reason: unknown = this.#caller?.reason;
    this.abort('caller', reason instanceof APIUserAbortError
      ? reason
      : new APIUserAbortError('Request was aborted', { cause: reason }));
  };
}

export function closedError(): APIUserAbortError {
  return new APIUserAbortError('The client was closed');
}
