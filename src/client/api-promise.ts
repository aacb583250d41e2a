import type { CallMeta } from './call-meta';

/** A body with the answer it came from. */
export interface WithResponse<T> {
  data: T;
  response: Response;
  meta: CallMeta;
}

/**
 * A promise of the body that can also give the raw answer and its metadata:
 * `await client.createBudget(b)` is the row; `await client.createBudget(b).withResponse()`
 * adds `response` and `meta` (call id, cost, rate-limit headers).
 */
export class APIPromise<T> implements Promise<T> {
  readonly #inner: Promise<WithResponse<T>>;
  readonly [Symbol.toStringTag] = 'APIPromise';

  constructor(inner: Promise<WithResponse<T>>) {
    this.#inner = inner;
    // The body promise may never be awaited when only withResponse() is used.
    inner.catch(() => {});
  }

  withResponse(): Promise<WithResponse<T>> {
    return this.#inner;
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    // One hop, not two: the body is handed straight to `onfulfilled`.
    const fulfilled = typeof onfulfilled === 'function'
      ? (r: WithResponse<T>) => onfulfilled(r.data)
      : (r: WithResponse<T>) => r.data as unknown as R1;
    return this.#inner.then(fulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null) {
    return this.then(undefined, onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.then().finally(onfinally);
  }
}
