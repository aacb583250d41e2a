import { APITimeoutError, APIUserAbortError, type RequestInfo } from './errors';
import { abortError } from './signals';

/** Why an attempt was cut short. */
export type CutReason = 'caller' | 'timeout' | 'closed';

/**
 * The abort controller of one attempt: fired by the caller's signal, the timeout or the
 * client's `close()`. The client holds live attempts in a set instead of hanging a listener
 * per call on one shared signal. It listens to the caller's signal itself (`handleEvent`), so
 * an attempt allocates no closure.
 */
export class AttemptSignal {
  readonly controller = new AbortController();
  cut: CutReason | undefined;
  readonly #caller: AbortSignal | undefined;
  readonly #live: Set<AttemptSignal>;
  readonly #request: RequestInfo;
  readonly #timeoutMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(caller: AbortSignal | undefined, timeoutMs: number, live: Set<AttemptSignal>,
    request: RequestInfo) {
    this.#caller = caller;
    this.#live = live;
    this.#request = request;
    this.#timeoutMs = timeoutMs;
    live.add(this);
    if (caller) {
      caller.addEventListener('abort', this, { once: true });
      if (caller.aborted) this.handleEvent();
    }
    this.#timer = setTimeout(timedOut, timeoutMs, this);
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
    this.#caller?.removeEventListener('abort', this);
    this.#live.delete(this);
  }

  /** The caller's signal fired. */
  handleEvent(): void {
    this.abort('caller', abortError(this.#caller));
  }

  /** The timeout fired. */
  expire(): void {
    const { method, path } = this.#request;
    this.abort('timeout', new APITimeoutError({ method, path, timeoutMs: this.#timeoutMs }));
  }
}

function timedOut(attempt: AttemptSignal): void {
  attempt.expire();
}

export function closedError(): APIUserAbortError {
  return new APIUserAbortError('The client was closed');
}
